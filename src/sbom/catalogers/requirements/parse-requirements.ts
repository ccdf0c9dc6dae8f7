import { isHexDigest } from '../../../shared/digest.ts';
import { LIMITS } from '../../../shared/limits.ts';
import type {
  DeclaredConstraint,
  Hash,
  HashAlgorithm,
  IndexDeclaration,
  InstallerOption,
  Package,
  Problem,
} from '../../model.ts';
import { redactUrlCredentials } from '../../python/url-credentials.ts';
import { dirnameOf, resolveInside } from '../../sources/paths.ts';
import type { CatalogContext, ParseResult } from '../cataloger.ts';
import { decodeRequirementsText } from './decode.ts';
import { type LogicalLine, splitLogicalLines } from './logical-lines.ts';
import { longNameOf, type OptionKey, type ParsedOption, parseOptionWords } from './options.ts';
import { parseEditable, parseRequirementLine, type SpecResult } from './requirement-spec.ts';
import { splitShellWords } from './shell-words.ts';
import { toConstraint, toPackage } from './to-package.ts';

/** Included files read for one starting file, at most: a real project has a handful. */
export const MAX_INCLUDED_FILES = 256;
/**
 * Requirement and option lines read for one starting file and its includes: real locks have hundreds;
 * millions of one-line requirements in a 16 MiB file would cost gigabytes.
 */
export const MAX_LOGICAL_LINES = 50_000;
/** Problems reported per file before the rest are summarised: garbage input must not flood the report. */
export const MAX_PROBLEMS_PER_FILE = 50;

/** `--hash` algorithms pip accepts; it refuses the whole file for any other. */
const HASH_OPTION_ALGORITHMS = new Set<HashAlgorithm>(['sha256', 'sha384', 'sha512']);

const INDEX_OPTIONS: Partial<Record<OptionKey, IndexDeclaration['kind']>> = {
  'index-url': 'index-url',
  'extra-index-url': 'extra-index-url',
  'find-links': 'find-links',
  'trusted-host': 'trusted-host',
  'no-index': 'no-index',
  'index-strategy': 'index-strategy',
};
const INSTALLER_OPTIONS = new Set<OptionKey>([
  'no-binary',
  'only-binary',
  'prefer-binary',
  'require-hashes',
  'pre',
  'use-feature',
]);
/** Options pip applies to the requirement on the same line (only `--config-settings` for `-e`). */
const REQUIREMENT_OPTIONS = new Set<OptionKey>(['hash', 'global-option', 'config-settings']);
const EDITABLE_OPTIONS = new Set<OptionKey>(['config-settings']);

/** One file on the way from the starting file to the current one, and the line that included it. */
interface IncludeStep {
  path: string;
  /** Line of the previous file's `-r`/`-c` that led here (absent for the starting file). */
  via?: number;
}

interface Walk {
  context: CatalogContext;
  cataloger: string;
  packages: Package[];
  constraints: DeclaredConstraint[];
  indexes: IndexDeclaration[];
  installerOptions: InstallerOption[];
  problems: Problem[];
  problemCounts: Map<string, number>;
  /** `r:` or `c:` + path of every file read, so a file included twice is read once per mode. */
  visited: Set<string>;
  /** Logical lines that may still be read (MAX_LOGICAL_LINES in all). */
  linesLeft: number;
}

/**
 * Parses a requirements file and everything it includes, as pip would read it for `pip install -r`:
 * requirements become packages, constraints files (`-c`) only constraints, options become index
 * declarations and installer options. Includes are read through the catalog context, relative to the
 * including file, never outside the scanned tree, never twice, never deeper than LIMITS.maxIncludeDepth.
 */
export async function parseRequirementsFile(
  path: string,
  bytes: Uint8Array,
  context: CatalogContext,
  cataloger: string,
): Promise<ParseResult> {
  const walk: Walk = {
    context,
    cataloger,
    packages: [],
    constraints: [],
    indexes: [],
    installerOptions: [],
    problems: [],
    problemCounts: new Map(),
    visited: new Set([`r:${path}`]),
    linesLeft: MAX_LOGICAL_LINES,
  };
  await parseFile(walk, path, bytes, false, [{ path }]);
  const result: ParseResult = {
    packages: walk.packages,
    relationships: [],
    problems: walk.problems,
    indexes: walk.indexes,
  };
  if (walk.constraints.length > 0) result.constraints = walk.constraints;
  if (walk.installerOptions.length > 0) result.installerOptions = walk.installerOptions;
  return result;
}

async function parseFile(
  walk: Walk,
  path: string,
  bytes: Uint8Array,
  constraint: boolean,
  chain: readonly IncludeStep[],
): Promise<void> {
  const decoded = decodeRequirementsText(bytes);
  if (decoded.kind === 'binary') {
    report(
      walk,
      path,
      undefined,
      'REQUIREMENTS_BINARY',
      'error',
      `${path} is binary data, not a requirements file.`,
    );
    return;
  }
  if (decoded.latin1) {
    report(
      walk,
      path,
      undefined,
      'REQUIREMENTS_NOT_UTF8',
      'warning',
      `${path} is not UTF-8; read as Latin-1. pip decodes it with the locale's encoding, which may differ.`,
    );
  }
  const { lines, tooLong, truncatedAt } = splitLogicalLines(
    decoded.text,
    LIMITS.maxLineLength,
    walk.linesLeft,
  );
  walk.linesLeft -= lines.length;
  if (truncatedAt !== undefined) {
    report(
      walk,
      path,
      truncatedAt,
      'REQUIREMENTS_TOO_MANY_LINES',
      'error',
      `Stopped reading ${path} at line ${truncatedAt}: more than ${MAX_LOGICAL_LINES} requirement and option lines in all.`,
    );
  }
  for (const line of tooLong) {
    report(
      walk,
      path,
      line,
      'REQUIREMENTS_LINE_TOO_LONG',
      'error',
      `Line ${line} of ${path} is longer than ${LIMITS.maxLineLength} characters; skipped.`,
    );
  }
  for (const line of lines) await parseLine(walk, path, line, constraint, chain);
  const count = walk.problemCounts.get(path) ?? 0;
  if (count > MAX_PROBLEMS_PER_FILE) {
    walk.problems.push({
      code: 'REQUIREMENTS_TOO_MANY_PROBLEMS',
      severity: 'error',
      message: `${path} has ${count} problems; only the first ${MAX_PROBLEMS_PER_FILE} are listed.`,
      path,
    });
  }
}

async function parseLine(
  walk: Walk,
  path: string,
  line: LogicalLine,
  constraint: boolean,
  chain: readonly IncludeStep[],
): Promise<void> {
  const at = line.line;
  if (line.envVars.length > 0) {
    const names = [...new Set(line.envVars)].map((n) => `\${${n}}`).join(', ');
    report(
      walk,
      path,
      at,
      'REQUIREMENTS_ENV_VAR',
      'warning',
      `Line ${at} uses ${names}, which pip replaces from the environment at install time; raygate keeps the text as written.`,
    );
  }
  const { args, options: optionText } = breakArgsOptions(line.text);
  const words = splitShellWords(optionText);
  const parsed =
    'error' in words
      ? { options: [], ignored: [], error: `cannot split the options: ${words.error}` }
      : parseOptionWords(words.words);
  if (parsed.error !== undefined) {
    // pip refuses the whole file; the requirement before the options is still what the file declares.
    report(
      walk,
      path,
      at,
      'REQUIREMENTS_OPTION_INVALID',
      'error',
      `Line ${at}: ${parsed.error}; pip refuses the file.`,
    );
    if (args === '') return;
  }
  if (parsed.ignored.length > 0) {
    report(
      walk,
      path,
      at,
      'REQUIREMENTS_TEXT_IGNORED',
      'warning',
      `Line ${at}: pip ignores '${clip(parsed.ignored.join(' '))}' after the options.`,
    );
  }
  const editable = parsed.options.find((o) => o.key === 'editable');
  if (args !== '') {
    ignoreOptions(walk, path, at, parsed.options, REQUIREMENT_OPTIONS, 'on a requirement line');
    const hashes = hashOptions(walk, path, at, parsed.options);
    addRequirement(
      walk,
      path,
      at,
      parseRequirementLine(args, dirnameOf(path)),
      args,
      false,
      hashes,
      constraint,
    );
  } else if (editable) {
    const others = parsed.options.filter((o) => o !== editable);
    ignoreOptions(walk, path, at, others, EDITABLE_OPTIONS, 'on an editable line');
    const value = editable.value!;
    addRequirement(
      walk,
      path,
      at,
      parseEditable(value, dirnameOf(path)),
      `-e ${value}`,
      true,
      [],
      constraint,
    );
  } else {
    await optionLine(walk, path, at, parsed.options, chain);
  }
}

/** pip's `break_args_options`: words up to the first one starting with `-` are the requirement. */
function breakArgsOptions(text: string): { args: string; options: string } {
  const tokens = text.split(' ');
  const i = tokens.findIndex((t) => t.startsWith('-'));
  if (i < 0) return { args: text, options: '' };
  return { args: tokens.slice(0, i).join(' ').trim(), options: tokens.slice(i).join(' ') };
}

function hashOptions(walk: Walk, path: string, at: number, options: readonly ParsedOption[]): Hash[] {
  const hashes: Hash[] = [];
  for (const option of options) {
    if (option.key !== 'hash') continue;
    const value = option.value ?? '';
    const colon = value.indexOf(':');
    const algorithm = value.slice(0, colon).toLowerCase() as HashAlgorithm;
    const digest = value.slice(colon + 1);
    if (colon < 0 || !HASH_OPTION_ALGORITHMS.has(algorithm)) {
      report(
        walk,
        path,
        at,
        'REQUIREMENTS_HASH_INVALID',
        'error',
        `Line ${at}: --hash=${clip(value)} is not sha256:, sha384: or sha512: followed by a digest; pip refuses the file.`,
      );
    } else if (!isHexDigest(algorithm, digest.toLowerCase())) {
      report(
        walk,
        path,
        at,
        'REQUIREMENTS_HASH_INVALID',
        'error',
        `Line ${at}: --hash=${clip(value)} is not a ${algorithm} digest; no download can match it.`,
      );
    } else hashes.push({ algorithm, value: digest.toLowerCase() });
  }
  return hashes;
}

function addRequirement(
  walk: Walk,
  path: string,
  at: number,
  result: SpecResult,
  written: string,
  editable: boolean,
  hashes: Hash[],
  constraint: boolean,
): void {
  if (result.kind === 'invalid') {
    report(
      walk,
      path,
      at,
      'REQUIREMENTS_REQUIREMENT_INVALID',
      'error',
      `Line ${at}: '${clip(written)}' is not a valid requirement: ${result.message}.`,
    );
    return;
  }
  if (result.kind === 'unnamed') {
    const code = constraint ? 'REQUIREMENTS_CONSTRAINT_INVALID' : 'REQUIREMENTS_UNNAMED';
    report(
      walk,
      path,
      at,
      code,
      constraint ? 'error' : 'warning',
      `Line ${at}: ${result.message}; not listed.`,
    );
    return;
  }
  const { spec } = result;
  for (const note of spec.notes)
    report(walk, path, at, 'REQUIREMENTS_HASH_INVALID', 'warning', `Line ${at}: ${note}.`);
  if (constraint && editable) {
    report(
      walk,
      path,
      at,
      'REQUIREMENTS_CONSTRAINT_INVALID',
      'error',
      `Line ${at}: pip does not allow editable requirements in a constraints file.`,
    );
    return;
  }
  if (spec.nameInferred) {
    report(
      walk,
      path,
      at,
      'REQUIREMENTS_NAME_INFERRED',
      'warning',
      `Line ${at}: '${clip(written)}' declares no name; listed as '${spec.name}' after its ${spec.source.kind === 'vcs' ? 'repository' : 'file or folder'} name.`,
    );
  }
  const location = { path, line: at };
  if (constraint) walk.constraints.push(toConstraint(spec, location, hashes));
  else walk.packages.push(toPackage(spec, { location, editable, hashes, cataloger: walk.cataloger }));
}

async function optionLine(
  walk: Walk,
  path: string,
  at: number,
  options: readonly ParsedOption[],
  chain: readonly IncludeStep[],
): Promise<void> {
  // pip follows the first -r (else the first -c) of a line and does nothing else with that line.
  const include = options.find((o) => o.key === 'requirement') ?? options.find((o) => o.key === 'constraint');
  if (include) {
    const others = options.filter((o) => o !== include);
    ignoreOptions(walk, path, at, others, new Set(), 'on a line that includes another file');
    await followInclude(walk, path, at, include, chain);
    return;
  }
  for (const option of options) {
    const location = { path, line: at };
    const indexKind = INDEX_OPTIONS[option.key];
    if (indexKind) {
      walk.indexes.push({ kind: indexKind, value: redactUrlCredentials(option.value ?? ''), location });
      if (option.key === 'index-strategy') {
        report(
          walk,
          path,
          at,
          'REQUIREMENTS_OPTION_NOT_PIP',
          'warning',
          `Line ${at}: --index-strategy is uv's option; pip refuses a requirements file that has it.`,
        );
      }
    } else if (INSTALLER_OPTIONS.has(option.key)) {
      walk.installerOptions.push({
        name: longNameOf(option.key),
        ...(option.value !== undefined ? { value: option.value } : {}),
        location,
      });
    } else {
      report(
        walk,
        path,
        at,
        'REQUIREMENTS_OPTION_IGNORED',
        'warning',
        `Line ${at}: pip ignores ${longNameOf(option.key)} on a line without a requirement.`,
      );
    }
  }
}

async function followInclude(
  walk: Walk,
  path: string,
  at: number,
  include: ParsedOption,
  chain: readonly IncludeStep[],
): Promise<void> {
  const written = include.value ?? '';
  const nestedConstraint = include.key === 'constraint';
  const flag = nestedConstraint ? '-c' : '-r';
  walk.installerOptions.push({
    name: longNameOf(include.key),
    value: redactUrlCredentials(written),
    location: { path, line: at },
  });
  const refuse = (code: string, why: string) =>
    report(
      walk,
      path,
      at,
      code,
      'error',
      `Line ${at}: ${flag} ${clip(redactUrlCredentials(written))} ${why}`,
    );

  if (/^(?:https?|file):/i.test(written)) {
    return refuse(
      'REQUIREMENTS_INCLUDE_URL',
      'is a URL; raygate does not fetch includes, so its content is not analysed.',
    );
  }
  if (written.startsWith('/') || written.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(written)) {
    return refuse(
      'REQUIREMENTS_INCLUDE_ABSOLUTE',
      'is an absolute path on the machine that wrote the file; raygate reads only files inside the scanned folder.',
    );
  }
  const resolved = resolveInside(dirnameOf(path), written);
  if (resolved === undefined) {
    return refuse('REQUIREMENTS_INCLUDE_ESCAPES', 'climbs out of the scanned folder; not read.');
  }
  const loopStart = chain.findIndex((step) => step.path === resolved);
  if (loopStart >= 0) return reportCycle(walk, chain.slice(loopStart), path, at);
  if (chain.length > LIMITS.maxIncludeDepth) {
    return refuse(
      'REQUIREMENTS_INCLUDE_TOO_DEEP',
      `is nested deeper than ${LIMITS.maxIncludeDepth} includes; not read.`,
    );
  }
  const key = `${nestedConstraint ? 'c' : 'r'}:${resolved}`;
  if (walk.visited.has(key)) return;
  if (walk.visited.size > MAX_INCLUDED_FILES) {
    return refuse(
      'REQUIREMENTS_INCLUDE_TOO_MANY',
      `is past the ${MAX_INCLUDED_FILES} included files raygate reads; not read.`,
    );
  }
  walk.visited.add(key);
  const bytes = await walk.context.read(resolved);
  if (bytes === undefined) return refuse('REQUIREMENTS_INCLUDE_UNREADABLE', `(${resolved}) cannot be read.`);
  await parseFile(walk, resolved, bytes, nestedConstraint, [...chain, { path: resolved, via: at }]);
}

/**
 * Reports an include cycle the same way whichever of its files the walk started from (a folder scan
 * starts from each of them): at the include that enters the cycle's first file in path order.
 */
function reportCycle(
  walk: Walk,
  loop: readonly IncludeStep[],
  closingPath: string,
  closingLine: number,
): void {
  const paths = loop.map((step) => step.path);
  const first = paths.indexOf([...paths].sort()[0]!);
  const [edgePath, edgeLine] =
    first === 0 ? [closingPath, closingLine] : [paths[first - 1]!, loop[first]!.via!];
  const ordered = [...paths.slice(first), ...paths.slice(0, first), paths[first]!];
  report(
    walk,
    edgePath,
    edgeLine,
    'REQUIREMENTS_INCLUDE_CYCLE',
    'error',
    `Line ${edgeLine} of ${edgePath} closes an include cycle (${ordered.join(' -> ')}); each file is read once.`,
  );
}

function ignoreOptions(
  walk: Walk,
  path: string,
  at: number,
  options: readonly ParsedOption[],
  applied: ReadonlySet<OptionKey>,
  where: string,
): void {
  const ignored = [...new Set(options.filter((o) => !applied.has(o.key)).map((o) => longNameOf(o.key)))];
  if (ignored.length === 0) return;
  report(
    walk,
    path,
    at,
    'REQUIREMENTS_OPTION_IGNORED',
    'warning',
    `Line ${at}: pip ignores ${ignored.join(', ')} ${where}.`,
  );
}

function report(
  walk: Walk,
  path: string,
  line: number | undefined,
  code: string,
  severity: Problem['severity'],
  message: string,
): void {
  const count = (walk.problemCounts.get(path) ?? 0) + 1;
  walk.problemCounts.set(path, count);
  if (count > MAX_PROBLEMS_PER_FILE) return;
  walk.problems.push({ code, severity, message, path, ...(line !== undefined ? { line } : {}) });
}

/** Quotes at most 120 characters of input in a message. */
function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
