import type { Hash } from '../../model.ts';
import { MarkerSyntaxError, parseMarker } from '../../python/markers.ts';
import { isValidPythonName, normalizeExtra, normalizePythonName } from '../../python/names.ts';
import { pinnedVersion, parseRequirement, RequirementSyntaxError } from '../../python/pep508.ts';
import { resolveInside } from '../../sources/paths.ts';
import {
  archiveExtension,
  editableVcsOf,
  eggFragment,
  fileNameOf,
  fragmentHashes,
  isUrl,
  parseSdistFileName,
  parseVcsUrl,
  parseWheelFileName,
  type VcsReference,
  vcsOf,
} from './links.ts';

/** Where pip gets a requirement from. */
export type RequirementSource =
  | { kind: 'index' }
  /** An archive or page fetched over the network (`name @ https://…`, a bare wheel URL). */
  | { kind: 'url'; url: string }
  | { kind: 'vcs'; url: string; reference: VcsReference }
  /** A local file or folder (`./dist/x.whl`, `-e ./lib`, `file:///…`). */
  | { kind: 'path'; path: string };

export interface RequirementSpec {
  rawName: string;
  name: string;
  /** True when the name was read from the URL or path rather than declared (pip reads the real one at install). */
  nameInferred: boolean;
  extras: string[];
  specifier: string;
  /** The one version the requirement allows, when it allows one (`==1.0`, `===1.0`, a wheel file name). */
  version?: string;
  marker?: string;
  source: RequirementSource;
  /** Hashes in the URL fragment (`#sha256=…`). */
  linkHashes: Hash[];
  notes: string[];
}

export type SpecResult =
  | { kind: 'ok'; spec: RequirementSpec }
  /** pip would refuse the line. */
  | { kind: 'invalid'; message: string }
  /** Valid for pip, which reads the name from the project at install time; raygate cannot name it. */
  | { kind: 'unnamed'; message: string };

/** A PEP 508 direct reference (`name [extras] @ …`) rather than a path that happens to contain `@`. */
const DIRECT_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]@]*\])?\s*@/;

/**
 * Parses the requirement part of a non-editable line as pip's `parse_req_from_line` does: a URL, a local
 * path or archive, or a PEP 508 requirement. `baseDir` is the tree folder of the file, for naming paths.
 */
export function parseRequirementLine(text: string, baseDir: string): SpecResult {
  const url = isUrl(text);
  // pip splits the marker off at the first `;` (`; ` for URLs, whose paths may hold a `;`).
  const separator = url ? '; ' : ';';
  const cut = text.indexOf(separator);
  const base = (cut < 0 ? text : text.slice(0, cut)).trim();
  const markerText = cut < 0 ? undefined : text.slice(cut + separator.length).trim() || undefined;
  if (markerText !== undefined) {
    try {
      parseMarker(markerText);
    } catch (error) {
      if (error instanceof MarkerSyntaxError)
        return { kind: 'invalid', message: `invalid marker: ${error.message}` };
      throw error;
    }
  }
  const withMarker = (result: SpecResult): SpecResult =>
    result.kind === 'ok' && markerText !== undefined
      ? { ...result, spec: { ...result.spec, marker: markerText } }
      : result;

  if (url) return withMarker(linkRequirement(base, [], baseDir));
  if (!DIRECT_REFERENCE.test(base)) {
    const { path, extras } = stripExtras(base);
    if (looksLikePath(base) || archiveExtension(path)) {
      const parsedExtras = parseExtras(extras);
      if (parsedExtras === undefined) return { kind: 'invalid', message: `invalid extras in '${base}'` };
      return withMarker(pathRequirement(path, parsedExtras, baseDir));
    }
  }
  return withMarker(pep508Requirement(base));
}

/** Parses the value of `-e`/`--editable` as pip's `parse_editable` does: a local project folder or a VCS URL. */
export function parseEditable(value: string, baseDir: string): SpecResult {
  const { path, extras } = stripExtras(value);
  const parsedExtras = parseExtras(extras) ?? [];
  const vcs = editableVcsOf(value);
  if (vcs) {
    if (!eggFragment(value)) {
      return {
        kind: 'invalid',
        message: `pip cannot name the editable VCS requirement '${value}': add #egg=<name>`,
      };
    }
    return linkRequirement(value, [], baseDir);
  }
  if (path.toLowerCase().startsWith('file:')) return linkRequirement(path, parsedExtras, baseDir);
  if (isUrl(value)) {
    return {
      kind: 'invalid',
      message: `'${value}' is not editable: pip installs in editable mode only a local folder or a VCS URL (git+, hg+, svn+, bzr+)`,
    };
  }
  return pathRequirement(path, parsedExtras, baseDir);
}

function pep508Requirement(text: string): SpecResult {
  let parsed;
  try {
    parsed = parseRequirement(text);
  } catch (error) {
    if (error instanceof RequirementSyntaxError) return { kind: 'invalid', message: error.message };
    throw error;
  }
  const notes: string[] = [];
  const templated = parsed.clauses.some((c) => c.version.includes('${'));
  const version = templated ? undefined : pinnedVersion(parsed.clauses);
  const spec: RequirementSpec = {
    rawName: parsed.rawName,
    name: parsed.name,
    nameInferred: false,
    extras: parsed.extras,
    specifier: parsed.specifier,
    source: { kind: 'index' },
    linkHashes: [],
    notes,
  };
  if (version !== undefined) spec.version = version;
  if (parsed.markerText !== undefined) spec.marker = parsed.markerText;
  if (parsed.url !== undefined) {
    const source = sourceOfUrl(parsed.url);
    spec.source = source;
    spec.linkHashes = fragmentHashesNoted(parsed.url, notes);
    const wheel = source.kind === 'vcs' ? undefined : parseWheelFileName(fileNameOf(parsed.url));
    if (wheel) spec.version = wheel.version;
  }
  return { kind: 'ok', spec };
}

/** A requirement given as a URL: its name comes from a wheel file name or `#egg=`, else it is inferred. */
function linkRequirement(url: string, extras: string[], baseDir: string): SpecResult {
  const source = sourceOfUrl(url);
  const notes: string[] = [];
  const linkHashes = fragmentHashesNoted(url, notes);
  const base = { extras, specifier: '', source, linkHashes, notes };
  const wheel = source.kind === 'vcs' ? undefined : parseWheelFileName(fileNameOf(url));
  if (wheel) return named(wheel.name, false, { ...base, version: wheel.version }, url);
  const egg = eggFragment(url);
  if (egg !== undefined) {
    const m = /^([^[]+)(\[[^\]]*\])?$/.exec(egg);
    const eggExtras = m?.[2] ? parseExtras(m[2]) : [];
    if (!m || eggExtras === undefined || !isValidPythonName(m[1]!)) {
      return { kind: 'invalid', message: `'#egg=${egg}' is not a project name` };
    }
    return named(m[1]!, false, { ...base, extras: [...extras, ...eggExtras] }, url);
  }
  if (source.kind === 'vcs') return named(source.reference.repositoryName, true, base, url);
  if (source.kind === 'path') return pathRequirement(source.path, extras, baseDir);
  return named(parseSdistFileName(fileNameOf(url))?.name, true, base, url);
}

function pathRequirement(path: string, extras: string[], baseDir: string): SpecResult {
  const source: RequirementSource = { kind: 'path', path };
  const base = { extras, specifier: '', source, linkHashes: [], notes: [] };
  const fileName = fileNameOf(path);
  const wheel = parseWheelFileName(fileName);
  if (wheel) return named(wheel.name, false, { ...base, version: wheel.version }, path);
  if (archiveExtension(fileName)) return named(parseSdistFileName(fileName)?.name, true, base, path);
  // A project folder: pip reads its name from pyproject.toml or setup.py when it installs it.
  const local = path.replace(/^file:(\/\/)?/i, '');
  const resolved = resolveInside(baseDir, local);
  const folder = resolved === undefined ? fileNameOf(local) : fileNameOf(resolved);
  return named(folder === '.' || folder === '..' ? undefined : folder, true, base, path);
}

function named(
  rawName: string | undefined,
  inferred: boolean,
  rest: Omit<RequirementSpec, 'rawName' | 'name' | 'nameInferred'>,
  written: string,
): SpecResult {
  if (rawName === undefined || !isValidPythonName(rawName)) {
    return {
      kind: 'unnamed',
      message: `'${written}' names no project; pip reads the name from the project itself at install time`,
    };
  }
  return {
    kind: 'ok',
    spec: { ...rest, rawName, name: normalizePythonName(rawName), nameInferred: inferred },
  };
}

function sourceOfUrl(url: string): RequirementSource {
  const vcs = vcsOf(url) ?? editableVcsOf(url);
  if (vcs) return { kind: 'vcs', url, reference: parseVcsUrl(url, vcs) };
  if (url.toLowerCase().startsWith('file:') || !isUrl(url)) return { kind: 'path', path: url };
  return { kind: 'url', url };
}

function fragmentHashesNoted(url: string, notes: string[]): Hash[] {
  const { hashes, invalid } = fragmentHashes(url);
  for (const bad of invalid) notes.push(`ignored the URL hash '${bad}': not a digest raygate can record`);
  return hashes;
}

/** pip's `_looks_like_path`: a `/` anywhere, or a leading `.`. */
function looksLikePath(text: string): boolean {
  return text.includes('/') || text.startsWith('.');
}

/** pip's `_strip_extras` (`^(.+)(\[[^\]]+\])$`), written without a backtracking regular expression. */
function stripExtras(text: string): { path: string; extras?: string } {
  if (!text.endsWith(']')) return { path: text };
  const open = text.lastIndexOf('[', text.length - 2);
  if (open < 1) return { path: text };
  const inner = text.slice(open + 1, -1);
  if (inner === '' || inner.includes(']')) return { path: text };
  return { path: text.slice(0, open), extras: text.slice(open) };
}

function parseExtras(extras: string | undefined): string[] | undefined {
  if (extras === undefined) return [];
  const out: string[] = [];
  for (const part of extras.slice(1, -1).split(',')) {
    const extra = part.trim();
    if (extra === '') continue;
    if (!isValidPythonName(extra)) return undefined;
    out.push(normalizeExtra(extra));
  }
  return out;
}
