import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { catalogersForTarget, PROCESSORS } from '../../sbom/catalogers/index.ts';
import { isCycloneDxJson, parseCycloneDxJson } from '../../sbom/cyclonedx-input/parse-cyclonedx-json.ts';
import { purlToPackage } from '../../sbom/cyclonedx-input/purl-to-package.ts';
import type { Package, Problem, Relationship, TargetDescription } from '../../sbom/model.ts';
import { scanSource } from '../../sbom/scan.ts';
import { openTarget, type OpenTargetOptions } from '../../sbom/sources/open-target.ts';
import { RaygateError } from '../../shared/errors.ts';

/** What `raygate scan` assesses: the packages, what they came from, and what could not be read. */
export interface ScanInventory {
  target: TargetDescription;
  packages: Package[];
  /** Dependency and vendoring edges, when the inventory was cataloged here (a target). */
  relationships: Relationship[];
  problems: Problem[];
  kind: 'purls' | 'cyclonedx' | 'target';
}

const MAX_SBOM_BYTES = 512 * 1024 * 1024;

/**
 * `raygate scan` takes package URLs (`pkg:pypi/ray@2.6.3 …`), a CycloneDX JSON SBOM, or anything `raygate
 * sbom` accepts (a folder, an environment, a lock file), which is cataloged the same way `raygate sbom` does.
 */
export async function resolveScanInventory(
  targets: readonly string[],
  openOptions: OpenTargetOptions = {},
): Promise<ScanInventory> {
  const purls = targets.filter((t) => t.startsWith('pkg:'));
  if (purls.length > 0) {
    if (purls.length !== targets.length) {
      throw new RaygateError('TARGET_INVALID', 'usage', 'Give either package URLs or one target, not both.');
    }
    return fromPurls(purls);
  }
  if (targets.length !== 1) {
    throw new RaygateError(
      'TARGET_INVALID',
      'usage',
      `Give one target to scan (got ${targets.length}); several package URLs are fine.`,
    );
  }
  const target = targets[0]!;
  const sbom = await readCycloneDxIfAny(target);
  if (sbom !== undefined) {
    const inventory = parseCycloneDxJson(sbom, target);
    return {
      target: inventory.target,
      packages: inventory.packages,
      relationships: [],
      problems: inventory.problems,
      kind: 'cyclonedx',
    };
  }
  const opened = await openTarget(target, openOptions);
  const result = await scanSource(opened.source, {
    catalogers: catalogersForTarget(opened.source.description, opened.singleFile),
    processors: PROCESSORS,
    ...(opened.singleFile ? { singleFile: opened.singleFile } : {}),
  });
  return {
    target: result.target,
    packages: result.packages,
    relationships: result.relationships,
    problems: result.problems,
    kind: 'target',
  };
}

function fromPurls(purls: readonly string[]): ScanInventory {
  const packages: Package[] = [];
  for (const purl of purls) {
    const pkg = purlToPackage(purl, { foundBy: 'command-line' });
    if (!pkg) throw new RaygateError('PURL_INVALID', 'usage', `'${purl}' is not a valid package URL.`);
    packages.push(pkg);
  }
  return {
    target: { type: 'file', name: purls.length === 1 ? purls[0]! : `${purls.length} package URLs` },
    packages,
    relationships: [],
    problems: [],
    kind: 'purls',
  };
}

/**
 * The parsed JSON of `target` when it is a CycloneDX JSON file; undefined for anything else (a folder, a
 * lock file), which then goes to the catalogers.
 */
async function readCycloneDxIfAny(target: string): Promise<unknown> {
  const file = target.startsWith('file:') ? target.slice('file:'.length) : target;
  if (target.startsWith('dir:')) return undefined;
  let info;
  try {
    info = await stat(file);
  } catch {
    return undefined;
  }
  if (!info.isFile()) return undefined;
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(info.size, 4096));
    await handle.read(head, 0, head.length, 0);
    const start = head
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    const marked =
      /"bomFormat"\s*:\s*"CycloneDX"/.test(start) || /\.(cdx|bom)\.json$/i.test(path.basename(file));
    if (!start.startsWith('{') || !marked) {
      return undefined;
    }
    if (info.size > MAX_SBOM_BYTES) {
      throw new RaygateError(
        'SBOM_INPUT_TOO_LARGE',
        'limit',
        `${file} is larger than ${MAX_SBOM_BYTES} bytes.`,
      );
    }
    const text = (await readFile(file)).toString('utf8').replace(/^\uFEFF/, '');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new RaygateError(
        'SBOM_INPUT_INVALID',
        'input',
        `${file} is not valid JSON: ${(error as Error).message}`,
      );
    }
    return isCycloneDxJson(value) ? value : undefined;
  } finally {
    await handle.close();
  }
}
