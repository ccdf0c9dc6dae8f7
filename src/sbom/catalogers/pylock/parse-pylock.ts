import type { DistributionArtifact, IndexDeclaration, Package } from '../../model.ts';
import { isValidPythonName, normalizePythonName } from '../../python/names.ts';
import type { ParseResult } from '../cataloger.ts';
import { describeType, isTable, stringField, type Table } from '../lock-support/fields.ts';
import { EdgeSet, NameIndex } from '../lock-support/graph.ts';
import { boundArtifacts, fileNameOf, parseHashTable } from '../lock-support/hashes.ts';
import { LOCK_LIMITS } from '../lock-support/limits.ts';
import { ProblemLog } from '../lock-support/problems.ts';
import { declaredPythonPackage, isProjectItself, type PythonSource } from '../lock-support/python-package.ts';
import { claimDeclaredText } from '../lock-support/sniff.ts';
import { arrayTableLines } from '../lock-support/toml-lines.ts';
import { parseLockToml } from '../lock-support/toml.ts';
import { isWebUrl, redactUrl } from '../lock-support/urls.ts';
import { markerGroups } from './marker-groups.ts';

export const PYLOCK_CATALOGER = 'pylock';

interface PylockEntry {
  name: string;
  version?: string;
  line?: number;
  index?: string;
  dependencies: { name: string; version?: string }[];
  package: Package;
}

/**
 * Reads a PEP 751 lock (`pylock.toml`, `pylock.<name>.toml`), lock-version 1.x. Sources: `vcs`,
 * `directory`, `archive`, or an index with `sdist`/`wheels`. Groups are the extras and dependency groups the
 * package's marker names. PEP 751's optional `dependencies` arrays, when a tool writes them, become edges.
 * An entry for the project itself (`directory = { path = "." }`) is not a component and is skipped.
 */
export function parsePylock(path: string, bytes: Uint8Array, conventional: boolean): ParseResult {
  const log = new ProblemLog(path);
  const result: ParseResult = { packages: [], relationships: [], problems: log.problems, indexes: [] };
  const text = claimDeclaredText(bytes, 'pylock', conventional, log, 'pylock.toml');
  if (text === undefined) return result;
  const doc = parseLockToml(text, log, 'pylock.toml');
  if (!doc) return result;

  const lockVersion = doc['lock-version'];
  if (typeof lockVersion !== 'string') {
    log.warn(
      'LOCK_FIELD_INVALID',
      `'lock-version' is ${describeType(lockVersion)}, expected a string like "1.0"; read as 1.0.`,
    );
  } else if (!/^1(\.|$)/.test(lockVersion)) {
    // PEP 751: a tool must refuse a major version it does not know.
    log.error(
      'LOCK_VERSION_UNSUPPORTED',
      `pylock lock-version ${lockVersion} is not 1.x; the file is not read.`,
    );
    return result;
  }
  const packages = doc.packages;
  if (packages === undefined) return result;
  if (!Array.isArray(packages)) {
    log.error(
      'LOCK_STRUCTURE_INVALID',
      `'packages' in ${path} is ${describeType(packages)}, expected an array of tables.`,
    );
    return result;
  }
  let raw: unknown[] = packages;
  if (raw.length > LOCK_LIMITS.maxEntries) {
    log.error(
      'LOCK_TOO_MANY_ENTRIES',
      `${path} has ${raw.length} packages; only the first ${LOCK_LIMITS.maxEntries} are read.`,
    );
    raw = raw.slice(0, LOCK_LIMITS.maxEntries);
  }
  const lines = arrayTableLines(
    text,
    'packages',
    raw.map((e) => (isTable(e) && typeof e.name === 'string' ? e.name : undefined)),
  );

  const entries: PylockEntry[] = [];
  const seen = new Set<string>();
  raw.forEach((value, i) => {
    const entry = readEntry(value, path, lines[i], log, (id) => {
      if (seen.has(id)) return String(i + 1);
      seen.add(id);
      return undefined;
    });
    if (entry) entries.push(entry);
  });
  result.packages = entries.map((e) => e.package);

  const index = new NameIndex(entries.map((e) => ({ name: e.name, version: e.version, entry: e })));
  const edges = new EdgeSet();
  for (const e of entries) {
    for (const dep of e.dependencies) {
      const targets = index.find(dep.name, dep.version) ?? [];
      if (targets.length === 0) {
        log.warn(
          'LOCK_DEPENDENCY_UNRESOLVED',
          `${e.name} depends on ${dep.name}, which the lock does not list or cannot tell apart.`,
          e.line,
        );
      }
      for (const t of targets) edges.add(e.package.id, t.entry.package.id);
    }
  }
  if (edges.full) {
    log.error(
      'LOCK_TOO_MANY_ENTRIES',
      `${path} describes more than ${LOCK_LIMITS.maxEdges} dependency edges; the rest are dropped.`,
    );
  }
  result.relationships = edges.edges;
  result.indexes = indexDeclarations(entries, path);
  return result;
}

function readEntry(
  value: unknown,
  path: string,
  line: number | undefined,
  log: ProblemLog,
  qualify: (id: string) => string | undefined,
): PylockEntry | undefined {
  if (!isTable(value)) {
    log.warn(
      'LOCK_ENTRY_INVALID',
      `A [[packages]] entry is ${describeType(value)}, not a table; skipped.`,
      line,
    );
    return undefined;
  }
  const rawName = value.name;
  if (typeof rawName !== 'string' || !isValidPythonName(rawName)) {
    log.warn(
      'LOCK_ENTRY_INVALID',
      `A [[packages]] entry has no valid name (found ${describeType(rawName)}); skipped.`,
      line,
    );
    return undefined;
  }
  const version = stringField(value, 'version');
  if (value.version !== undefined && version === undefined) {
    log.warn(
      'LOCK_FIELD_INVALID',
      `${rawName}: 'version' is ${describeType(value.version)}, expected a string; kept without a version.`,
      line,
    );
  }
  const marker = stringField(value, 'marker');
  const index = stringField(value, 'index');
  const { source, artifacts } = readSource(value, rawName, index, log, line);
  if (isProjectItself(source)) return undefined;
  const input = {
    foundBy: PYLOCK_CATALOGER,
    format: 'pylock' as const,
    location: line === undefined ? { path } : { path, line },
    rawName,
    version: version || undefined,
    marker,
    source,
    artifacts: boundArtifacts(artifacts, log, rawName, line),
    groups: marker ? (markerGroups(marker) ?? []) : [],
  };
  let pkg = declaredPythonPackage(input);
  const qualifier = qualify(pkg.id);
  if (qualifier) pkg = declaredPythonPackage({ ...input, idQualifier: qualifier });

  const dependencies: PylockEntry['dependencies'] = [];
  if (Array.isArray(value.dependencies)) {
    for (const d of value.dependencies) {
      if (!isTable(d) || typeof d.name !== 'string') continue;
      dependencies.push({
        name: normalizePythonName(d.name),
        ...(typeof d.version === 'string' ? { version: d.version } : {}),
      });
    }
  } else if (value.dependencies !== undefined) {
    log.warn(
      'LOCK_FIELD_INVALID',
      `${rawName}: 'dependencies' is ${describeType(value.dependencies)}, expected an array.`,
      line,
    );
  }
  const entry: PylockEntry = { name: pkg.name, line, dependencies, package: pkg };
  if (version) entry.version = version;
  if (index) entry.index = index;
  return entry;
}

function readSource(
  entry: Table,
  name: string,
  index: string | undefined,
  log: ProblemLog,
  line?: number,
): { source?: PythonSource; artifacts: DistributionArtifact[] } {
  const artifacts: DistributionArtifact[] = [];
  const vcs = entry.vcs;
  if (isTable(vcs)) {
    const repository = stringField(vcs, 'url') ?? stringField(vcs, 'path') ?? '';
    const ref = stringField(vcs, 'commit-id') ?? stringField(vcs, 'requested-revision');
    const subdirectory = stringField(vcs, 'subdirectory');
    const type = stringField(vcs, 'type') ?? 'git';
    return {
      source: {
        kind: 'vcs',
        ref: {
          vcs: type,
          repository: redactUrl(repository),
          ...(ref ? { ref } : {}),
          ...(subdirectory ? { subdirectory } : {}),
        },
      },
      artifacts,
    };
  }
  const directory = entry.directory;
  if (isTable(directory)) {
    return {
      source: {
        kind: 'path',
        path: stringField(directory, 'path') ?? '.',
        editable: directory.editable === true,
      },
      artifacts,
    };
  }
  const archive = entry.archive;
  if (isTable(archive)) {
    const artifact = readArtifact(archive, 'archive', log, line);
    artifacts.push(artifact);
    const where = stringField(archive, 'url') ?? stringField(archive, 'path') ?? '';
    return {
      source: isWebUrl(where) ? { kind: 'url', url: where } : { kind: 'path', path: where },
      artifacts,
    };
  }
  if (entry.sdist !== undefined) {
    if (isTable(entry.sdist)) artifacts.push(readArtifact(entry.sdist, 'sdist', log, line));
    else
      log.warn(
        'LOCK_FIELD_INVALID',
        `${name}: 'sdist' is ${describeType(entry.sdist)}, expected a table.`,
        line,
      );
  }
  if (entry.wheels !== undefined) {
    if (Array.isArray(entry.wheels)) {
      for (const w of entry.wheels) if (isTable(w)) artifacts.push(readArtifact(w, 'wheel', log, line));
    } else
      log.warn(
        'LOCK_FIELD_INVALID',
        `${name}: 'wheels' is ${describeType(entry.wheels)}, expected an array.`,
        line,
      );
  }
  return { source: { kind: 'registry', ...(index ? { index } : {}) }, artifacts };
}

function readArtifact(
  value: Table,
  kind: DistributionArtifact['kind'],
  log: ProblemLog,
  line?: number,
): DistributionArtifact {
  const where = stringField(value, 'url') ?? stringField(value, 'path');
  const filename = stringField(value, 'name') ?? (where ? fileNameOf(where) : undefined);
  const artifact: DistributionArtifact = { kind, hashes: parseHashTable(value.hashes, log, line) };
  if (filename) artifact.filename = filename;
  if (where) artifact.url = redactUrl(where);
  return artifact;
}

function indexDeclarations(entries: readonly PylockEntry[], path: string): IndexDeclaration[] {
  const seen = new Map<string, IndexDeclaration>();
  for (const e of entries) {
    if (!e.index) continue;
    const value = redactUrl(e.index);
    if (!seen.has(value))
      seen.set(value, {
        kind: 'lock-source',
        value,
        location: e.line === undefined ? { path } : { path, line: e.line },
      });
  }
  return [...seen.values()];
}
