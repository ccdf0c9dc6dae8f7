import type { DistributionArtifact, IndexDeclaration, Package } from '../../model.ts';
import { isValidPythonName, normalizePythonName } from '../../python/names.ts';
import type { ParseResult } from '../cataloger.ts';
import { describeType, isTable, safeKeys, stringField, type Table } from '../lock-support/fields.ts';
import { EdgeSet, NameIndex } from '../lock-support/graph.ts';
import { artifactKind, boundArtifacts, parseHashString } from '../lock-support/hashes.ts';
import { LOCK_LIMITS } from '../lock-support/limits.ts';
import { ProblemLog } from '../lock-support/problems.ts';
import { declaredPythonPackage, type PythonSource } from '../lock-support/python-package.ts';
import { claimDeclaredText } from '../lock-support/sniff.ts';
import { arrayTableLines } from '../lock-support/toml-lines.ts';
import { parseLockToml } from '../lock-support/toml.ts';
import { redactUrl } from '../lock-support/urls.ts';
import { poetrySatisfies } from './poetry-constraint.ts';

export const POETRY_LOCK_CATALOGER = 'poetry-lock';

interface PoetryDependency {
  name: string;
  /** Constraints, one per marker-split alternative (`dep = [{version, markers}, …]`). */
  constraints: string[];
  optional: boolean;
  extras: string[];
}

interface PoetryEntry {
  rawName: string;
  name: string;
  version: string;
  line?: number;
  groups: string[];
  marker?: string;
  source?: PythonSource;
  dependencies: PoetryDependency[];
  /** `[package.extras]`: extra → names of the optional dependencies it turns on. */
  extras: Map<string, Set<string>>;
  files: unknown;
  package?: Package;
}

/**
 * Reads a poetry.lock: lock-version 1.x (`category`, hashes under `[metadata.files]`) and 2.x (`files` per
 * package; 2.1 adds `groups` and per-group `markers`). Edges come from `[package.dependencies]`; an optional
 * dependency becomes an edge only when some entry asks for the extra that turns it on. When a name is
 * locked at several versions, the constraint picks among them.
 */
export function parsePoetryLock(path: string, bytes: Uint8Array, conventional: boolean): ParseResult {
  const log = new ProblemLog(path);
  const result: ParseResult = { packages: [], relationships: [], problems: log.problems, indexes: [] };
  const text = claimDeclaredText(bytes, 'poetry-lock', conventional, log, 'poetry.lock');
  if (text === undefined) return result;
  const doc = parseLockToml(text, log, 'poetry.lock');
  if (!doc) return result;

  const metadata = isTable(doc.metadata) ? doc.metadata : {};
  const lockVersion = stringField(metadata, 'lock-version');
  if (lockVersion !== undefined && !/^[12]\./.test(lockVersion)) {
    log.warn(
      'LOCK_VERSION_UNSUPPORTED',
      `poetry.lock lock-version ${lockVersion} is not one raygate knows (1.x, 2.x); read as 2.x.`,
    );
  }
  if (doc.package === undefined) return result;
  if (!Array.isArray(doc.package)) {
    log.error(
      'LOCK_STRUCTURE_INVALID',
      `'package' in ${path} is ${describeType(doc.package)}, expected an array of tables.`,
    );
    return result;
  }
  let raw: unknown[] = doc.package;
  if (raw.length > LOCK_LIMITS.maxEntries) {
    log.error(
      'LOCK_TOO_MANY_ENTRIES',
      `${path} has ${raw.length} packages; only the first ${LOCK_LIMITS.maxEntries} are read.`,
    );
    raw = raw.slice(0, LOCK_LIMITS.maxEntries);
  }
  const lines = arrayTableLines(
    text,
    'package',
    raw.map((e) => (isTable(e) && typeof e.name === 'string' ? e.name : undefined)),
  );
  const entries: PoetryEntry[] = [];
  raw.forEach((value, i) => {
    const entry = readEntry(value, lines[i], log);
    if (entry) entries.push(entry);
  });

  const index = new NameIndex(entries);
  const metadataFiles = isTable(metadata.files) ? normalizedKeys(metadata.files) : undefined;
  const rootExtras = readRootExtras(doc.extras);

  const seenIds = new Set<string>();
  entries.forEach((e, i) => {
    const several = index.count(e.name) > 1;
    const files = e.files !== undefined ? e.files : metadataFiles?.get(e.name);
    const artifacts = readFiles(files, e, several, log);
    const groups = [...e.groups, ...(rootExtras.get(e.name) ?? [])];
    const build = (idQualifier?: string) =>
      declaredPythonPackage({
        foundBy: POETRY_LOCK_CATALOGER,
        format: 'poetry-lock',
        location: e.line === undefined ? { path } : { path, line: e.line },
        rawName: e.rawName,
        version: e.version,
        marker: e.marker,
        source: e.source ?? { kind: 'registry' },
        artifacts: boundArtifacts(artifacts, log, e.rawName, e.line),
        groups,
        idQualifier,
      });
    let pkg = build();
    if (seenIds.has(pkg.id)) pkg = build(String(i + 1));
    seenIds.add(pkg.id);
    e.package = pkg;
    result.packages.push(pkg);
  });

  // Extras requested of each name anywhere in the lock decide which optional dependencies are real edges.
  const requested = new Map<string, Set<string>>();
  for (const e of entries) {
    for (const dep of e.dependencies) {
      const set = requested.get(dep.name) ?? new Set<string>();
      dep.extras.forEach((x) => set.add(normalizePythonName(x)));
      requested.set(dep.name, set);
    }
  }
  const edges = new EdgeSet();
  for (const e of entries) {
    const enabled = new Set<string>();
    for (const extra of requested.get(e.name) ?? [])
      for (const n of e.extras.get(extra) ?? []) enabled.add(n);
    for (const dep of e.dependencies) {
      if (dep.optional && !enabled.has(dep.name)) continue;
      for (const target of pickVersions(index.find(dep.name) ?? [], dep.constraints)) {
        if (e.package && target.package) edges.add(e.package.id, target.package.id);
      }
    }
  }
  if (edges.full) {
    log.error(
      'LOCK_TOO_MANY_ENTRIES',
      `${path} describes more than ${LOCK_LIMITS.maxEdges} dependency edges; the rest are dropped.`,
    );
  }
  result.relationships = edges.edges;
  result.indexes = sourceDeclarations(entries, path);
  return result;
}

function readEntry(value: unknown, line: number | undefined, log: ProblemLog): PoetryEntry | undefined {
  if (!isTable(value)) {
    log.warn(
      'LOCK_ENTRY_INVALID',
      `A [[package]] entry is ${describeType(value)}, not a table; skipped.`,
      line,
    );
    return undefined;
  }
  const rawName = value.name;
  if (typeof rawName !== 'string' || !isValidPythonName(rawName)) {
    log.warn(
      'LOCK_ENTRY_INVALID',
      `A [[package]] entry has no valid name (found ${describeType(rawName)}); skipped.`,
      line,
    );
    return undefined;
  }
  const version = stringField(value, 'version');
  if (version === undefined || version === '') {
    log.warn(
      'LOCK_ENTRY_INVALID',
      `${rawName}: 'version' is ${describeType(value.version)}, expected a string; entry skipped.`,
      line,
    );
    return undefined;
  }
  const entry: PoetryEntry = {
    rawName,
    name: normalizePythonName(rawName),
    version,
    line,
    groups: readGroups(value, log, line),
    dependencies: readDependencies(value.dependencies, rawName, log, line),
    extras: readExtras(value.extras),
    files: value.files,
  };
  const marker = readMarker(value.markers ?? value.marker);
  if (marker) entry.marker = marker;
  const source = readSource(value.source, value.develop === true);
  if (source) entry.source = source;
  return entry;
}

/** Lock 2.1 `groups = [...]`, 1.x `category`, plus `optional` for packages only an extra installs. */
function readGroups(value: Table, log: ProblemLog, line?: number): string[] {
  const optional = value.optional === true ? ['optional'] : [];
  if (Array.isArray(value.groups)) {
    return [...value.groups.filter((g): g is string => typeof g === 'string'), ...optional];
  }
  if (typeof value.category === 'string') return [value.category, ...optional];
  if (value.groups !== undefined || value.category !== undefined) {
    log.warn(
      'LOCK_FIELD_INVALID',
      `${String(value.name)}: 'groups'/'category' has the wrong type; ignored.`,
      line,
    );
  }
  return optional;
}

/** A marker string, or lock 2.1's per-group table `{main = "…", dev = "…"}` (joined with `or`). */
function readMarker(value: unknown): string | undefined {
  if (typeof value === 'string') return value || undefined;
  if (!isTable(value)) return undefined;
  const markers = [
    ...new Set(
      safeKeys(value)
        .map((k) => value[k])
        .filter((m): m is string => typeof m === 'string' && m !== ''),
    ),
  ];
  if (markers.length === 0) return undefined;
  return markers.length === 1 ? markers[0] : markers.map((m) => `(${m})`).join(' or ');
}

function readSource(value: unknown, develop: boolean): PythonSource | undefined {
  if (!isTable(value)) return undefined;
  const type = stringField(value, 'type');
  const url = stringField(value, 'url');
  if (!url) return undefined;
  switch (type) {
    case 'git': {
      const ref = stringField(value, 'resolved_reference') ?? stringField(value, 'reference');
      const subdirectory = stringField(value, 'subdirectory');
      return {
        kind: 'vcs',
        ref: {
          vcs: 'git',
          repository: redactUrl(url.replace(/^git\+/, '')),
          ...(ref ? { ref } : {}),
          ...(subdirectory ? { subdirectory } : {}),
        },
      };
    }
    case 'url':
      return { kind: 'url', url };
    case 'file':
    case 'directory':
      return { kind: 'path', path: url, editable: develop };
    default:
      // `legacy` (a named index), `pypi`, or a future kind: the URL is where the package comes from.
      return { kind: 'registry', index: url };
  }
}

/** `[package.dependencies]`: `name = "constraint"`, `{version, optional, markers, extras}`, or an array of those. */
function readDependencies(value: unknown, owner: string, log: ProblemLog, line?: number): PoetryDependency[] {
  if (value === undefined) return [];
  if (!isTable(value)) {
    log.warn(
      'LOCK_FIELD_INVALID',
      `${owner}: [package.dependencies] is ${describeType(value)}, not a table; ignored.`,
      line,
    );
    return [];
  }
  const out: PoetryDependency[] = [];
  for (const key of safeKeys(value)) {
    const spec = value[key];
    const dep: PoetryDependency = {
      name: normalizePythonName(key),
      constraints: [],
      optional: false,
      extras: [],
    };
    const alternatives = Array.isArray(spec) ? spec : [spec];
    let valid = true;
    for (const alt of alternatives) {
      if (typeof alt === 'string') dep.constraints.push(alt);
      else if (isTable(alt)) {
        if (typeof alt.version === 'string') dep.constraints.push(alt.version);
        if (alt.optional === true) dep.optional = true;
        if (Array.isArray(alt.extras))
          dep.extras.push(...alt.extras.filter((x): x is string => typeof x === 'string'));
      } else valid = false;
    }
    if (!valid) {
      log.warn(
        'LOCK_FIELD_INVALID',
        `${owner}: dependency '${key}' has an unreadable specification; kept without a constraint.`,
        line,
      );
    }
    out.push(dep);
  }
  return out;
}

/** `[package.extras]` lists requirement strings (`"sphinx (>=4)"`, `"pkg[x]"`); only their names matter here. */
function readExtras(value: unknown): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (!isTable(value)) return out;
  for (const extra of safeKeys(value)) {
    const list = value[extra];
    if (!Array.isArray(list)) continue;
    const names = list
      .filter((r): r is string => typeof r === 'string')
      .map((r) => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(r)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(normalizePythonName);
    out.set(normalizePythonName(extra), new Set(names));
  }
  return out;
}

/** The root project's `[extras]` table: extra → package names; those extras become groups of the packages. */
function readRootExtras(value: unknown): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!isTable(value)) return out;
  for (const extra of safeKeys(value)) {
    const list = value[extra];
    if (!Array.isArray(list)) continue;
    for (const n of list) {
      if (typeof n !== 'string') continue;
      const name = normalizePythonName(n.split(/[\s[(;]/)[0]!);
      out.set(name, [...(out.get(name) ?? []), extra]);
    }
  }
  return out;
}

/**
 * `files = [{file, hash}]` (2.x) or the `[metadata.files]` list of the name (1.x). Lock 1.x keeps one list
 * per name, so when a name is locked at several versions the files are attributed by the version in their
 * file name.
 */
function readFiles(
  value: unknown,
  entry: PoetryEntry,
  several: boolean,
  log: ProblemLog,
): DistributionArtifact[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    log.warn(
      'LOCK_FIELD_INVALID',
      `${entry.rawName}: 'files' is ${describeType(value)}, expected an array; ignored.`,
      entry.line,
    );
    return [];
  }
  const out: DistributionArtifact[] = [];
  for (const item of value) {
    if (!isTable(item)) continue;
    const filename = stringField(item, 'file');
    if (several && filename && !fileMatchesVersion(filename, entry.version)) continue;
    const artifact: DistributionArtifact = { kind: artifactKind(filename), hashes: [] };
    if (filename) artifact.filename = filename;
    if (typeof item.url === 'string') artifact.url = redactUrl(item.url);
    if (item.hash !== undefined) {
      const hash = parseHashString(item.hash, log, entry.line);
      if (hash) artifact.hashes.push(hash);
    }
    out.push(artifact);
  }
  return out;
}

function fileMatchesVersion(filename: string, version: string): boolean {
  const stem = filename.replace(/\.(whl|tar\.gz|zip|tar\.bz2|tgz|tar\.xz)$/i, '');
  const parts = stem.split('-');
  const candidate = /\.whl$/i.test(filename) ? parts[1] : parts[parts.length - 1];
  return candidate !== undefined && candidate.replace(/_/g, '-') === version.replace(/_/g, '-');
}

function normalizedKeys(table: Table): Map<string, unknown> {
  return new Map(safeKeys(table).map((k) => [normalizePythonName(k), table[k]]));
}

/** Several locked versions of one name: keep those some constraint accepts (all when none can be read). */
function pickVersions(
  candidates: readonly PoetryEntry[],
  constraints: readonly string[],
): readonly PoetryEntry[] {
  if (candidates.length <= 1 || constraints.length === 0) return candidates;
  const picked = candidates.filter((c) => constraints.some((k) => poetrySatisfies(c.version, k) !== false));
  return picked.length > 0 ? picked : candidates;
}

function sourceDeclarations(entries: readonly PoetryEntry[], path: string): IndexDeclaration[] {
  const seen = new Map<string, IndexDeclaration>();
  for (const e of entries) {
    if (e.source?.kind !== 'registry' || !e.source.index) continue;
    const value = redactUrl(e.source.index);
    if (!seen.has(value))
      seen.set(value, {
        kind: 'lock-source',
        value,
        location: e.line === undefined ? { path } : { path, line: e.line },
      });
  }
  return [...seen.values()];
}
