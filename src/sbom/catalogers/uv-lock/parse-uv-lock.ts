import type { DistributionArtifact, IndexDeclaration, Package } from '../../model.ts';
import { isValidPythonName, normalizePythonName } from '../../python/names.ts';
import type { ParseResult } from '../cataloger.ts';
import { describeType, isTable, safeKeys, stringField, type Table } from '../lock-support/fields.ts';
import { EdgeSet, NameIndex } from '../lock-support/graph.ts';
import { boundArtifacts, fileNameOf, parseHashString } from '../lock-support/hashes.ts';
import { LOCK_LIMITS } from '../lock-support/limits.ts';
import { ProblemLog } from '../lock-support/problems.ts';
import { declaredPythonPackage } from '../lock-support/python-package.ts';
import { claimDeclaredText } from '../lock-support/sniff.ts';
import { arrayTableLines } from '../lock-support/toml-lines.ts';
import { parseLockToml } from '../lock-support/toml.ts';
import { redactUrl } from '../lock-support/urls.ts';
import { readUvSource, sourceKey, type UvSource } from './uv-source.ts';

export const UV_LOCK_CATALOGER = 'uv-lock';

/** One `{ name, version?, source?, marker?, extra? }` entry of a dependency list. */
interface UvDependency {
  name: string;
  version?: string;
  source?: string;
  extras: string[];
}

interface UvEntry {
  rawName: string;
  /** A forked lock's `resolution-markers`: the environments this entry is for. */
  marker?: string;
  name: string;
  version?: string;
  source: UvSource;
  line?: number;
  dependencies: UvDependency[];
  optional: Map<string, UvDependency[]>;
  dev: Map<string, UvDependency[]>;
  artifacts: DistributionArtifact[];
  package?: Package;
}

/**
 * Reads a uv.lock (format `version = 1`, any `revision`). Every `[[package]]` becomes a package except the
 * project itself and its workspace members (they are what the lock is *for*: `virtual`/`editable` at `.`,
 * or `[manifest] members`). Edges come from `dependencies` and from the `optional-dependencies` of extras
 * that some entry requests; groups are `main`, extra names and dev-group names through which a package is
 * reachable from the project.
 */
export function parseUvLock(path: string, bytes: Uint8Array, conventional: boolean): ParseResult {
  const log = new ProblemLog(path);
  const result: ParseResult = { packages: [], relationships: [], problems: log.problems, indexes: [] };
  const text = claimDeclaredText(bytes, 'uv-lock', conventional, log, 'uv.lock');
  if (text === undefined) return result;
  const doc = parseLockToml(text, log, 'uv.lock');
  if (!doc) return result;

  const version = doc.version;
  if (version !== undefined && typeof version !== 'number') {
    log.warn('LOCK_FIELD_INVALID', `uv.lock 'version' is ${describeType(version)}, expected an integer.`);
  } else if (typeof version === 'number' && version !== 1) {
    log.warn(
      'LOCK_VERSION_UNSUPPORTED',
      `uv.lock version ${version} is newer than raygate knows (1); read as version 1.`,
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

  const entries: UvEntry[] = [];
  raw.forEach((value, i) => {
    const entry = readEntry(value, lines[i], log);
    if (entry) entries.push(entry);
  });

  const members = readMembers(doc.manifest);
  const isRoot = (e: UvEntry) => e.source.isProjectRoot || members.has(e.name);
  const index = new NameIndex(entries);
  const reported = new Set<string>();
  const resolve = (dep: UvDependency, from: UvEntry): readonly UvEntry[] => {
    const found = index.find(dep.name, dep.version);
    const matched =
      found === undefined || dep.source === undefined
        ? found
        : found.filter((c) => c.source.key === dep.source);
    const key = `${from.name}@${from.version ?? ''}\u0000${dep.name}@${dep.version ?? ''}`;
    if ((matched === undefined || matched.length === 0) && !reported.has(key)) {
      reported.add(key);
      log.warn(
        'LOCK_DEPENDENCY_UNRESOLVED',
        matched === undefined
          ? `${from.rawName} depends on ${dep.name}, which the lock holds at too many versions to tell apart.`
          : `${from.rawName} depends on ${dep.name}${dep.version ? ` ${dep.version}` : ''}, which the lock does not list.`,
        from.line,
      );
    }
    return matched ?? [];
  };

  // Extras some entry asks of a package turn its matching optional-dependencies into real edges.
  const requestedExtras = new Map<UvEntry, Set<string>>();
  const allDeps = (e: UvEntry) => [
    ...e.dependencies,
    ...[...e.optional.values()].flat(),
    ...[...e.dev.values()].flat(),
  ];
  for (const e of entries) {
    for (const dep of allDeps(e)) {
      if (dep.extras.length === 0) continue;
      for (const target of index.find(dep.name, dep.version) ?? []) {
        const set = requestedExtras.get(target) ?? new Set<string>();
        dep.extras.forEach((x) => set.add(x));
        requestedExtras.set(target, set);
      }
    }
  }
  const activeDeps = (e: UvEntry): UvDependency[] => {
    const extras = requestedExtras.get(e) ?? new Set<string>();
    return [...e.dependencies, ...[...e.optional].filter(([x]) => extras.has(x)).flatMap(([, d]) => d)];
  };

  const groups = reachabilityGroups(entries.filter(isRoot), activeDeps, resolve, log);

  const seenIds = new Set<string>();
  entries.forEach((e, i) => {
    if (isRoot(e)) return;
    const build = (idQualifier?: string) =>
      declaredPythonPackage({
        foundBy: UV_LOCK_CATALOGER,
        format: 'uv-lock',
        location: e.line === undefined ? { path } : { path, line: e.line },
        rawName: e.rawName,
        version: e.version,
        marker: e.marker,
        source: e.source.source,
        artifacts: boundArtifacts(e.artifacts, log, e.rawName, e.line),
        groups: [...(groups.get(e) ?? [])],
        idQualifier,
      });
    let pkg = build();
    if (seenIds.has(pkg.id)) pkg = build(String(i + 1));
    seenIds.add(pkg.id);
    e.package = pkg;
    result.packages.push(pkg);
  });

  const edges = new EdgeSet();
  for (const e of entries) {
    if (!e.package) continue;
    for (const dep of activeDeps(e)) {
      for (const target of resolve(dep, e)) if (target.package) edges.add(e.package.id, target.package.id);
    }
  }
  if (edges.full) {
    log.error(
      'LOCK_TOO_MANY_ENTRIES',
      `${path} describes more than ${LOCK_LIMITS.maxEdges} dependency edges; the rest are dropped.`,
    );
  }
  result.relationships = edges.edges;
  result.indexes = registryDeclarations(entries, path);
  return result;
}

function readEntry(value: unknown, line: number | undefined, log: ProblemLog): UvEntry | undefined {
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
      typeof rawName === 'string'
        ? `'${rawName.slice(0, 80)}' is not a valid package name; entry skipped.`
        : `A [[package]] entry has no name (found ${describeType(rawName)}); skipped.`,
      line,
    );
    return undefined;
  }
  let version = stringField(value, 'version');
  if (value.version !== undefined && version === undefined) {
    log.warn(
      'LOCK_FIELD_INVALID',
      `${rawName}: 'version' is ${describeType(value.version)}, expected a string; kept without a version.`,
      line,
    );
  }
  if (version === '') version = undefined;
  const where = `${rawName}`;
  const entry: UvEntry = {
    rawName,
    name: normalizePythonName(rawName),
    version,
    source: readUvSource(value.source),
    line,
    dependencies: readDependencyList(value.dependencies, `${where} dependencies`, log, line),
    optional: readDependencyGroups(
      value['optional-dependencies'],
      `${where} optional-dependencies`,
      log,
      line,
    ),
    dev: readDependencyGroups(value['dev-dependencies'], `${where} dev-dependencies`, log, line),
    artifacts: readArtifacts(value, log, line),
  };
  const markers = Array.isArray(value['resolution-markers'])
    ? value['resolution-markers'].filter((m): m is string => typeof m === 'string' && m !== '')
    : [];
  if (markers.length > 0)
    entry.marker = markers.length === 1 ? markers[0] : markers.map((m) => `(${m})`).join(' or ');
  return entry;
}

function readDependencyList(value: unknown, where: string, log: ProblemLog, line?: number): UvDependency[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    log.warn('LOCK_FIELD_INVALID', `${where} is ${describeType(value)}, expected an array; ignored.`, line);
    return [];
  }
  const out: UvDependency[] = [];
  for (const item of value) {
    if (!isTable(item) || typeof item.name !== 'string') {
      log.warn('LOCK_FIELD_INVALID', `${where} has an entry without a name; ignored.`, line);
      continue;
    }
    const dep: UvDependency = { name: normalizePythonName(item.name), extras: [] };
    if (typeof item.version === 'string') dep.version = item.version;
    if (item.source !== undefined) dep.source = sourceKey(item.source);
    if (Array.isArray(item.extra)) dep.extras = item.extra.filter((x): x is string => typeof x === 'string');
    out.push(dep);
  }
  return out;
}

function readDependencyGroups(
  value: unknown,
  where: string,
  log: ProblemLog,
  line?: number,
): Map<string, UvDependency[]> {
  const out = new Map<string, UvDependency[]>();
  if (value === undefined) return out;
  if (!isTable(value)) {
    log.warn('LOCK_FIELD_INVALID', `${where} is ${describeType(value)}, expected a table; ignored.`, line);
    return out;
  }
  for (const group of safeKeys(value))
    out.set(group, readDependencyList(value[group], `${where}.${group}`, log, line));
  return out;
}

/** `sdist = { url|path, hash, size }` and `wheels = [{ url|path|filename, hash, size }]`. */
function readArtifacts(entry: Table, log: ProblemLog, line?: number): DistributionArtifact[] {
  const out: DistributionArtifact[] = [];
  const read = (value: unknown, kind: 'sdist' | 'wheel') => {
    if (!isTable(value)) {
      log.warn(
        'LOCK_FIELD_INVALID',
        `${String(entry.name)}: a ${kind} entry is ${describeType(value)}, not a table.`,
        line,
      );
      return;
    }
    const location = stringField(value, 'url') ?? stringField(value, 'path');
    const filename = stringField(value, 'filename') ?? (location ? fileNameOf(location) : undefined);
    const artifact: DistributionArtifact = { kind, hashes: [] };
    if (filename) artifact.filename = filename;
    if (location) artifact.url = redactUrl(location);
    if (value.hash !== undefined) {
      const hash = parseHashString(value.hash, log, line);
      if (hash) artifact.hashes.push(hash);
    }
    out.push(artifact);
  };
  if (entry.sdist !== undefined) read(entry.sdist, 'sdist');
  if (entry.wheels !== undefined) {
    if (Array.isArray(entry.wheels)) entry.wheels.forEach((w) => read(w, 'wheel'));
    else
      log.warn(
        'LOCK_FIELD_INVALID',
        `${String(entry.name)}: 'wheels' is ${describeType(entry.wheels)}, expected an array.`,
        line,
      );
  }
  return out;
}

function readMembers(manifest: unknown): Set<string> {
  if (!isTable(manifest) || !Array.isArray(manifest.members)) return new Set();
  return new Set(manifest.members.filter((m): m is string => typeof m === 'string').map(normalizePythonName));
}

/**
 * Labels each entry with the groups through which the project reaches it: `main` for the project's
 * `dependencies`, the extra's name for `optional-dependencies`, the group's name for `dev-dependencies`.
 */
function reachabilityGroups(
  roots: readonly UvEntry[],
  activeDeps: (e: UvEntry) => UvDependency[],
  resolve: (dep: UvDependency, from: UvEntry) => readonly UvEntry[],
  log: ProblemLog,
): Map<UvEntry, Set<string>> {
  const labels = new Map<UvEntry, Set<string>>();
  const queue: [UvEntry, string][] = [];
  const reach = (target: UvEntry, label: string) => {
    const set = labels.get(target) ?? new Set<string>();
    if (set.has(label)) return;
    set.add(label);
    labels.set(target, set);
    queue.push([target, label]);
  };
  for (const root of roots) {
    for (const dep of root.dependencies) for (const t of resolve(dep, root)) reach(t, 'main');
    for (const [extra, deps] of root.optional)
      for (const dep of deps) for (const t of resolve(dep, root)) reach(t, extra);
    for (const [group, deps] of root.dev)
      for (const dep of deps) for (const t of resolve(dep, root)) reach(t, group);
  }
  let steps = 0;
  for (let head = 0; head < queue.length; head++) {
    const [entry, label] = queue[head]!;
    for (const dep of activeDeps(entry)) {
      if (++steps > LOCK_LIMITS.maxGraphSteps) {
        log.warn(
          'LOCK_TOO_MANY_ENTRIES',
          `The dependency graph is too large to label every package's groups; groups are incomplete.`,
        );
        queue.length = 0;
        break;
      }
      for (const t of resolve(dep, entry)) reach(t, label);
    }
  }
  for (const root of roots) labels.delete(root);
  return labels;
}

function registryDeclarations(entries: readonly UvEntry[], path: string): IndexDeclaration[] {
  const seen = new Map<string, IndexDeclaration>();
  for (const e of entries) {
    const source = e.source.source;
    if (source?.kind !== 'registry' || !source.index) continue;
    const value = redactUrl(source.index);
    if (seen.has(value)) continue;
    seen.set(value, {
      kind: 'lock-source',
      value,
      location: e.line === undefined ? { path } : { path, line: e.line },
    });
  }
  return [...seen.values()];
}
