import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  parseSnapshot,
  DIGEST_LIMITS,
  type DigestSnapshot,
  type SnapshotFinding,
} from '../../advisories/digest/index.ts';
import { isCycloneDxJson, parseCycloneDxJson } from '../../sbom/cyclonedx-input/parse-cyclonedx-json.ts';
import type { Package } from '../../sbom/model.ts';
import { RaygateError } from '../../shared/errors.ts';
import type { ReportFinding } from '../scan/scan-report.ts';

/** One input of `raygate digest`: a release to assess (SBOM) or one already assessed (scan report). */
export type DigestInput =
  | { kind: 'sbom'; key: string; label: string; version?: string; file: string; packages: Package[] }
  | { kind: 'scan'; key: string; label: string; version?: string; file: string; findings: SnapshotFinding[] };

const MAX_INPUT_BYTES = 512 * 1024 * 1024;

async function readJson(file: string, what: string, max: number): Promise<unknown> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new RaygateError(
      'INPUT_UNREADABLE',
      'input',
      `Cannot read ${what} ${file}: ${(error as Error).message}`,
    );
  }
  if (size > max) throw new RaygateError('INPUT_TOO_LARGE', 'limit', `${file} is larger than ${max} bytes.`);
  const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RaygateError(
      'INPUT_INVALID',
      'input',
      `${file} is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/** A CycloneDX JSON SBOM or a `raygate scan --format json` report; anything else is INPUT_INVALID. */
export async function readDigestInput(file: string): Promise<DigestInput> {
  const value = await readJson(file, 'the input', MAX_INPUT_BYTES);
  if (isCycloneDxJson(value)) {
    const inventory = parseCycloneDxJson(value, path.basename(file));
    const main = (value as { metadata?: { component?: { name?: unknown; version?: unknown } } }).metadata
      ?.component;
    const name = typeof main?.name === 'string' && main.name !== '' ? main.name : path.basename(file);
    const version = typeof main?.version === 'string' && main.version !== '' ? main.version : undefined;
    const label = version ? `${name} ${version}` : name;
    return {
      kind: 'sbom',
      key: label,
      label,
      ...(version ? { version } : {}),
      file,
      packages: inventory.packages,
    };
  }
  if (isScanReport(value)) {
    const target = value.target;
    const label = target.version ? `${target.name} ${target.version}` : target.name;
    return {
      kind: 'scan',
      key: label,
      label,
      ...(target.version ? { version: target.version } : {}),
      file,
      findings: value.findings.map(fromReportFinding),
    };
  }
  throw new RaygateError(
    'INPUT_INVALID',
    'input',
    `${file} is neither a CycloneDX JSON SBOM nor a raygate scan JSON report.`,
  );
}

interface ScanReportLike {
  tool: { name: 'raygate' };
  target: { name: string; version?: string };
  findings: ReportFinding[];
}

function isScanReport(value: unknown): value is ScanReportLike {
  const v = value as Partial<ScanReportLike> | null;
  return (
    !!v &&
    typeof v === 'object' &&
    v.tool?.name === 'raygate' &&
    typeof v.target?.name === 'string' &&
    Array.isArray(v.findings) &&
    v.findings.every((f) => typeof f?.id === 'string' && typeof f.package?.name === 'string')
  );
}

function fromReportFinding(f: ReportFinding): SnapshotFinding {
  return {
    id: f.id,
    advisories: [...f.advisories].sort(),
    aliases: [...f.aliases].sort(),
    package: {
      ecosystem: f.package.matchedAs?.ecosystem ?? f.package.ecosystem,
      name: f.package.name,
      version: f.package.version,
      ...(f.package.purl ? { purl: f.package.purl } : {}),
    },
    severity: f.severity,
    ...(f.score !== undefined ? { score: f.score } : {}),
    ...(f.fixedIn ? { fixedIn: f.fixedIn } : {}),
    ...(f.summary ? { summary: f.summary } : {}),
    ...(f.published ? { published: f.published } : {}),
    modified: f.modified,
    ...(f.references.length > 0 ? { references: f.references } : {}),
  };
}

/** The previous run's snapshot, validated. */
export async function readSnapshot(file: string): Promise<DigestSnapshot> {
  return parseSnapshot(await readJson(file, 'the snapshot', DIGEST_LIMITS.maxSnapshotBytes), file);
}
