import type { DistributionArtifact, IndexDeclaration } from '../../model.ts';
import { isValidPythonName, normalizePythonName } from '../../python/names.ts';
import type { ParseResult } from '../cataloger.ts';
import { describeType, isTable, safeKeys, stringField, type Table } from '../lock-support/fields.ts';
import { boundArtifacts, parseHashString } from '../lock-support/hashes.ts';
import { parseLockJson } from '../lock-support/json.ts';
import { LOCK_LIMITS } from '../lock-support/limits.ts';
import { ProblemLog } from '../lock-support/problems.ts';
import { declaredPythonPackage, isProjectItself, type PythonSource } from '../lock-support/python-package.ts';
import { claimDeclaredText } from '../lock-support/sniff.ts';
import { firstAtOrAfter, linesByCapture } from '../lock-support/toml-lines.ts';
import { isWebUrl, redactUrl } from '../lock-support/urls.ts';

export const PIPFILE_LOCK_CATALOGER = 'pipfile-lock';

interface Source {
  name?: string;
  url: string;
  verifySsl: boolean;
  line?: number;
}

interface Merged {
  input: Parameters<typeof declaredPythonPackage>[0];
  groups: Set<string>;
}

/**
 * Reads a Pipfile.lock (pipfile-spec 6): `default`, `develop` and any custom category become groups (a
 * package in two categories is one package with both). Pipfile.lock has no dependency graph, so there are
 * no edges. `_meta.sources` become index declarations; `verify_ssl: false` also a trusted-host one. Line
 * numbers are those of the entry's key, searched in the text after its category's key (approximate for
 * minified files: everything is on line 1).
 */
export function parsePipfileLock(path: string, bytes: Uint8Array, conventional: boolean): ParseResult {
  const log = new ProblemLog(path);
  const result: ParseResult = { packages: [], relationships: [], problems: log.problems, indexes: [] };
  const text = claimDeclaredText(bytes, 'pipfile-lock', conventional, log, 'Pipfile.lock');
  if (text === undefined) return result;
  const doc = parseLockJson(text, log, 'Pipfile.lock');
  if (doc === undefined) return result;
  if (!isTable(doc)) {
    log.error('LOCK_STRUCTURE_INVALID', `${path} is ${describeType(doc)}, expected a JSON object.`);
    return result;
  }
  const meta = isTable(doc._meta) ? doc._meta : {};
  const sources = readSources(meta.sources, text);
  result.indexes = sourceDeclarations(sources, path);

  // Every `"key": {` line once; entries take the first after their category's key (approximate).
  const keyLines = linesByCapture(text.split('\n'), /"((?:[^"\\]|\\.)*)"\s*:\s*\{/);
  const merged = new Map<string, Merged>();
  let count = 0;
  for (const section of safeKeys(doc)) {
    if (section === '_meta') continue;
    const entries = doc[section];
    if (!isTable(entries)) {
      log.warn(
        'LOCK_FIELD_INVALID',
        `Category '${section}' is ${describeType(entries)}, expected an object; ignored.`,
      );
      continue;
    }
    const sectionLine = firstAtOrAfter(keyLines.get(section), 1) ?? 1;
    for (const key of safeKeys(entries)) {
      if (++count > LOCK_LIMITS.maxEntries) {
        log.error(
          'LOCK_TOO_MANY_ENTRIES',
          `${path} has more than ${LOCK_LIMITS.maxEntries} entries; the rest are skipped.`,
        );
        break;
      }
      const line = firstAtOrAfter(keyLines.get(key), sectionLine);
      const input = readEntry(key, entries[key], sources, path, line, log);
      if (!input) continue;
      const identity = `${normalizePythonName(key)}\u0000${input.version ?? ''}\u0000${JSON.stringify(input.source ?? null)}`;
      const existing = merged.get(identity);
      if (existing) existing.groups.add(section);
      else merged.set(identity, { input, groups: new Set([section]) });
    }
  }
  const seen = new Set<string>();
  let n = 0;
  for (const { input, groups } of merged.values()) {
    n++;
    let pkg = declaredPythonPackage({ ...input, groups: [...groups] });
    if (seen.has(pkg.id))
      pkg = declaredPythonPackage({ ...input, groups: [...groups], idQualifier: String(n) });
    seen.add(pkg.id);
    result.packages.push(pkg);
  }
  return result;
}

function readEntry(
  key: string,
  value: unknown,
  sources: readonly Source[],
  path: string,
  line: number | undefined,
  log: ProblemLog,
): Merged['input'] | undefined {
  if (!isValidPythonName(key)) {
    log.warn('LOCK_ENTRY_INVALID', `'${key.slice(0, 80)}' is not a valid package name; entry skipped.`, line);
    return undefined;
  }
  if (!isTable(value)) {
    log.warn(
      'LOCK_ENTRY_INVALID',
      `${key} is ${describeType(value)}, expected an object; entry skipped.`,
      line,
    );
    return undefined;
  }
  const input: Merged['input'] = {
    foundBy: PIPFILE_LOCK_CATALOGER,
    format: 'pipfile-lock',
    location: line === undefined ? { path } : { path, line },
    rawName: key,
  };
  if (value.version !== undefined) {
    const spec = stringField(value, 'version');
    if (spec === undefined) {
      log.warn(
        'LOCK_FIELD_INVALID',
        `${key}: 'version' is ${describeType(value.version)}, expected a string like "==1.2.3".`,
        line,
      );
    } else {
      const exact = /^\s*===?\s*([^\s,*]+)\s*$/.exec(spec);
      if (exact) input.version = exact[1]!;
      else {
        input.specifier = spec.trim() === '*' ? '' : spec.trim();
        input.pinned = false;
      }
    }
  }
  if (Array.isArray(value.extras))
    input.extras = value.extras.filter((x): x is string => typeof x === 'string');
  const marker = stringField(value, 'markers');
  if (marker) input.marker = marker;
  input.source = readSource(value, sources);
  // `pipenv install -e .` locks the project itself: the SBOM's subject, not a component.
  if (isProjectItself(input.source)) return undefined;
  if (value.editable === true) input.editable = true;
  const artifacts: DistributionArtifact[] = [];
  if (value.hashes !== undefined) {
    if (!Array.isArray(value.hashes)) {
      log.warn(
        'LOCK_FIELD_INVALID',
        `${key}: 'hashes' is ${describeType(value.hashes)}, expected an array.`,
        line,
      );
    } else {
      // Pipfile.lock lists one hash per allowed file without naming the file.
      for (const h of value.hashes) {
        const hash = parseHashString(h, log, line);
        if (hash) artifacts.push({ kind: 'archive', hashes: [hash] });
      }
    }
  }
  input.artifacts = boundArtifacts(artifacts, log, key, line);
  return input;
}

function readSource(entry: Table, sources: readonly Source[]): PythonSource | undefined {
  const editable = entry.editable === true;
  const git = stringField(entry, 'git');
  if (git) {
    const ref = stringField(entry, 'ref');
    const subdirectory = stringField(entry, 'subdirectory');
    return {
      kind: 'vcs',
      ref: {
        vcs: 'git',
        repository: redactUrl(git.replace(/^git\+/, '')),
        ...(ref ? { ref } : {}),
        ...(subdirectory ? { subdirectory } : {}),
      },
    };
  }
  const file = stringField(entry, 'file');
  if (file) return isWebUrl(file) ? { kind: 'url', url: file } : { kind: 'path', path: file, editable };
  const local = stringField(entry, 'path');
  if (local) return { kind: 'path', path: local, editable };
  const indexName = stringField(entry, 'index');
  const source = indexName
    ? sources.find((s) => s.name === indexName)
    : sources.length === 1
      ? sources[0]
      : undefined;
  return { kind: 'registry', ...(source ? { index: source.url } : {}) };
}

function readSources(value: unknown, text: string): Source[] {
  if (!Array.isArray(value)) return [];
  const urlLines = linesByCapture(text.split('\n'), /"url"\s*:\s*"((?:[^"\\]|\\.)*)"/);
  const out: Source[] = [];
  for (const s of value) {
    if (!isTable(s) || typeof s.url !== 'string') continue;
    const source: Source = { url: redactUrl(s.url), verifySsl: s.verify_ssl !== false };
    if (typeof s.name === 'string') source.name = s.name;
    const line = firstAtOrAfter(urlLines.get(s.url), 1);
    if (line !== undefined) source.line = line;
    out.push(source);
  }
  return out;
}

function sourceDeclarations(sources: readonly Source[], path: string): IndexDeclaration[] {
  const out: IndexDeclaration[] = [];
  for (const s of sources) {
    const location = s.line === undefined ? { path } : { path, line: s.line };
    out.push({ kind: 'lock-source', value: s.url, location });
    if (!s.verifySsl) {
      const host = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/:?#]+)/i.exec(s.url)?.[1];
      if (host) out.push({ kind: 'trusted-host', value: host, location });
    }
  }
  return out;
}
