import packageJson from '../../../package.json' with { type: 'json' };
import type { Cataloger } from '../../sbom/catalogers/cataloger.ts';
import { CATALOGERS, catalogersForTarget, PROCESSORS } from '../../sbom/catalogers/index.ts';
import { assignContentSerialNumber, randomSerialNumber } from '../../sbom/cyclonedx/serial-number.ts';
import { serializeBom, type BomFormat } from '../../sbom/cyclonedx/serialize.ts';
import { toBom } from '../../sbom/cyclonedx/to-bom.ts';
import { describeProblem, type ToolIdentity } from '../../sbom/cyclonedx/to-metadata.ts';
import type { Problem, ScanResult } from '../../sbom/model.ts';
import { scanSource, type InventoryProcessor } from '../../sbom/scan.ts';
import { openTarget, type OpenedTarget } from '../../sbom/sources/open-target.ts';
import { RaygateError } from '../../shared/errors.ts';
import { writeOutput } from '../output.ts';
import { toOpenTargetOptions, type TargetFlags } from '../target-options.ts';
import { PROBLEM_LINES, type SbomFormat, TAGS } from './sbom.ts';
import { renderInventoryTable } from './sbom-table.ts';

const BOM_FORMATS: Record<Exclude<SbomFormat, 'table'>, BomFormat> = {
  'cyclonedx-json': 'json',
  'cyclonedx-xml': 'xml',
};

export interface SbomCommandDeps {
  catalogers: readonly Cataloger[];
  processors: readonly InventoryProcessor[];
  tool: ToolIdentity;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** Human messages (problems, progress). */
  stderr: (text: string) => void;
}

export interface SbomOptions extends TargetFlags {
  format: SbomFormat;
  output?: string;
  deterministic?: boolean;
  validate?: boolean;
  catalogers?: string;
}

export function defaultSbomDeps(): SbomCommandDeps {
  return {
    catalogers: CATALOGERS,
    processors: PROCESSORS,
    tool: { name: packageJson.name, version: packageJson.version },
    env: process.env,
    now: () => new Date(),
    stderr: (text) => process.stderr.write(text),
  };
}

export async function runSbom(
  target: string,
  options: SbomOptions,
  deps: SbomCommandDeps,
  interactive: boolean,
) {
  if (options.validate && options.format === 'table') {
    throw new RaygateError('USAGE_INVALID', 'usage', '--validate applies to the CycloneDX formats only.');
  }
  const clock = reproducibility(options.deterministic ?? false, deps);
  const opened = await openTarget(target, toOpenTargetOptions(options, interactive));
  const catalogers = chooseCatalogers(deps.catalogers, options.catalogers, opened);

  const started = performance.now();
  if (interactive) deps.stderr(`raygate: scanning ${target} with ${catalogers.length} catalogers…\n`);
  const result = await scanSource(opened.source, {
    catalogers,
    processors: deps.processors,
    singleFile: opened.singleFile,
  });
  if (interactive) {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    deps.stderr(`raygate: found ${result.packages.length} packages in ${seconds} s\n`);
  }

  const unreadable = unreadableTargetProblem(result, opened);
  if (unreadable) {
    reportProblems(result.problems, deps.stderr, options.format);
    throw new RaygateError(
      'TARGET_UNREADABLE',
      'input',
      `Cannot read ${target}: ${unreadable.code}: ${unreadable.message}`,
    );
  }

  if (options.format === 'table') {
    reportProblems(result.problems, deps.stderr, options.format);
    await writeOutput(renderInventoryTable(result), options.output);
    return;
  }

  const format = BOM_FORMATS[options.format];
  const { bom, notes } = toBom(result, {
    tool: deps.tool,
    timestamp: clock.timestamp,
    reproducible: clock.reproducible,
  });
  if (clock.reproducible) assignContentSerialNumber(bom);
  else bom.serialNumber = randomSerialNumber();
  const text = serializeBom(bom, format);
  reportProblems([...result.problems, ...notes], deps.stderr, options.format);

  if (options.validate) {
    // The validators load ajv and libxmljs2: only --validate pays for them.
    const { validateBom } = await import('../../sbom/cyclonedx/validate.ts');
    const errors = await validateBom(text, format);
    if (errors.length > 0) {
      for (const error of errors.slice(0, PROBLEM_LINES)) deps.stderr(`raygate: schema: ${error}\n`);
      throw new RaygateError(
        'SBOM_SCHEMA_INVALID',
        'internal',
        `The BOM raygate wrote is not valid CycloneDX 1.6 (${errors.length} schema errors); nothing was written. Please report this.`,
      );
    }
    if (interactive) deps.stderr(`raygate: the BOM is valid CycloneDX 1.6 ${format.toUpperCase()}\n`);
  }
  await writeOutput(text, options.output);
}

/**
 * When and whether output must be reproducible. SOURCE_DATE_EPOCH follows reproducible-builds.org: a
 * decimal count of seconds since 1970; a malformed value is an error, not something to guess around.
 */
function reproducibility(deterministic: boolean, deps: SbomCommandDeps) {
  const raw = deps.env.SOURCE_DATE_EPOCH;
  if (raw !== undefined && raw !== '') {
    const seconds = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
    const timestamp = new Date(seconds * 1000);
    if (Number.isNaN(timestamp.getTime())) {
      throw new RaygateError(
        'SOURCE_DATE_EPOCH_INVALID',
        'usage',
        `SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01, not '${raw}'.`,
      );
    }
    return { reproducible: true, timestamp };
  }
  if (deterministic) return { reproducible: true, timestamp: new Date(0) };
  return { reproducible: false, timestamp: deps.now() };
}

function chooseCatalogers(
  available: readonly Cataloger[],
  list: string | undefined,
  opened: OpenedTarget,
): Cataloger[] {
  if (list === undefined) return catalogersForTarget(opened.source.description, opened.singleFile, available);
  const wanted = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const names = new Set(available.map((c) => c.name));
  const unknown = wanted.filter((w) => !(TAGS as readonly string[]).includes(w) && !names.has(w));
  if (wanted.length === 0 || unknown.length > 0) {
    throw new RaygateError(
      'CATALOGER_UNKNOWN',
      'usage',
      `Unknown cataloger or tag: ${unknown.join(', ') || '(empty list)'}. Tags: ${TAGS.join(', ')}.` +
        (names.size > 0 ? ` Catalogers: ${[...names].join(', ')}.` : ''),
    );
  }
  return available.filter(
    (c) => wanted.includes(c.name) || c.tags.some((t) => (wanted as string[]).includes(t)),
  );
}

const READ_FAILURES = new Set([
  'SBOM_FILE_UNREADABLE',
  'SBOM_FILE_TOO_LARGE',
  'SBOM_PATH_ESCAPES',
  'SBOM_DIRECTORY_UNREADABLE',
  'SBOM_FORMAT_UNKNOWN',
]);

/**
 * The problem that made the target itself unreadable: its root folder could not be listed, or the one
 * file named could not be read, is in no format raygate knows, or was rejected outright (an error and
 * not a single package from it).
 */
function unreadableTargetProblem(result: ScanResult, opened: OpenedTarget): Problem | undefined {
  const root = opened.singleFile ?? '/';
  const own = result.problems.filter((p) => p.path === root);
  const readFailure = own.find((p) => READ_FAILURES.has(p.code));
  if (readFailure) return readFailure;
  if (opened.singleFile && result.packages.length === 0) return own.find((p) => p.severity === 'error');
  return undefined;
}

function reportProblems(problems: readonly Problem[], stderr: (text: string) => void, format: SbomFormat) {
  if (problems.length === 0) return;
  const errors = problems.filter((p) => p.severity === 'error').length;
  stderr(
    `raygate: ${problems.length} problem${problems.length === 1 ? '' : 's'} ` +
      `(${errors} error${errors === 1 ? '' : 's'}, ${problems.length - errors} warning${problems.length - errors === 1 ? '' : 's'}):\n`,
  );
  // Errors first, so a long list of warnings cannot hide them.
  const ordered = [
    ...problems.filter((p) => p.severity === 'error'),
    ...problems.filter((p) => p.severity !== 'error'),
  ];
  for (const problem of ordered.slice(0, PROBLEM_LINES)) stderr(`  ${describeProblem(problem)}\n`);
  const rest = ordered.length - PROBLEM_LINES;
  if (rest > 0) {
    const byCode = new Map<string, number>();
    for (const p of ordered.slice(PROBLEM_LINES)) byCode.set(p.code, (byCode.get(p.code) ?? 0) + 1);
    const counts = [...byCode].map(([code, n]) => `${code} ×${n}`).join(', ');
    const where =
      format === 'table'
        ? 'a CycloneDX format records them all'
        : 'all are recorded in the BOM as raygate:problem';
    stderr(`  … and ${rest} more (${counts}); ${where}.\n`);
  }
}
