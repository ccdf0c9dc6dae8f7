import type { DistributionArtifact, Package, Relationship } from '../../model.ts';
import { evaluateMarker, type MarkerEnvironment } from '../../python/markers.ts';
import { isValidPythonName, normalizeExtra } from '../../python/names.ts';
import { parseRequirement, RequirementSyntaxError, type Requirement } from '../../python/pep508.ts';
import type { ParseResult } from '../cataloger.ts';
import { describeType, isTable, safeKeys, stringField, type Table } from '../lock-support/fields.ts';
import { EdgeSet } from '../lock-support/graph.ts';
import { artifactKind, fileNameOf, parseHashString, parseHashTable } from '../lock-support/hashes.ts';
import { parseLockJson } from '../lock-support/json.ts';
import { LOCK_LIMITS } from '../lock-support/limits.ts';
import { ProblemLog } from '../lock-support/problems.ts';
import { declaredPythonPackage, type PythonSource } from '../lock-support/python-package.ts';
import { claimDeclaredText } from '../lock-support/sniff.ts';
import { firstAtOrAfter, linesByCapture } from '../lock-support/toml-lines.ts';
import { redactUrl } from '../lock-support/urls.ts';

export const PIP_REPORT_CATALOGER = 'pip-report';

interface ReportItem {
  package: Package;
  requirements: Requirement[];
}

/**
 * Reads pip's installation report (`pip install --report`, format version 1; version 0 of pip 22.2 has the
 * same shape). Each `install` item is one exact package with the one file pip chose (`download_info`), so
 * its hashes are the package's. Edges: each item's `Requires-Dist`, evaluated with the report's own
 * `environment` and the extras requested along the way, linked to the items of the report.
 */
export function parsePipReport(path: string, bytes: Uint8Array, conventional: boolean): ParseResult {
  const log = new ProblemLog(path);
  const result: ParseResult = { packages: [], relationships: [], problems: log.problems };
  const text = claimDeclaredText(bytes, 'pip-report', conventional, log, 'pip installation report');
  if (text === undefined) return result;
  const doc = parseLockJson(text, log, 'pip installation report');
  if (doc === undefined) return result;
  if (!isTable(doc)) {
    log.error('LOCK_STRUCTURE_INVALID', `${path} is ${describeType(doc)}, expected a JSON object.`);
    return result;
  }
  const version = doc.version;
  if (version !== '0' && version !== '1') {
    log.error(
      'LOCK_VERSION_UNSUPPORTED',
      `${path} has report version ${JSON.stringify(version)?.slice(0, 20)}; raygate reads pip report versions 0 and 1.`,
    );
    return result;
  }
  if (!Array.isArray(doc.install)) {
    log.error(
      'LOCK_STRUCTURE_INVALID',
      `'install' in ${path} is ${describeType(doc.install)}, expected an array.`,
    );
    return result;
  }
  let raw: unknown[] = doc.install;
  if (raw.length > LOCK_LIMITS.maxEntries) {
    log.error(
      'LOCK_TOO_MANY_ENTRIES',
      `${path} has ${raw.length} items; only the first ${LOCK_LIMITS.maxEntries} are read.`,
    );
    raw = raw.slice(0, LOCK_LIMITS.maxEntries);
  }

  const items: ReportItem[] = [];
  const seen = new Set<string>();
  const nameLines = linesByCapture(text.split('\n'), /"name"\s*:\s*"((?:[^"\\]|\\.)*)"/);
  let fromLine = 1;
  raw.forEach((value, i) => {
    const item = readItem(value, i, path, nameLines, fromLine, log);
    if (!item) return;
    fromLine = item.package.locations[0]?.line ?? fromLine;
    if (seen.has(item.package.id)) {
      log.warn(
        'LOCK_ENTRY_INVALID',
        `${item.package.name} ${item.package.version} appears twice in the report; the second is skipped.`,
        fromLine,
      );
      return;
    }
    seen.add(item.package.id);
    items.push(item);
  });
  result.packages = items.map((i) => i.package);
  result.relationships = reportEdges(items, readEnvironment(doc.environment));
  return result;
}

function readItem(
  value: unknown,
  index: number,
  path: string,
  nameLines: Map<string, number[]>,
  fromLine: number,
  log: ProblemLog,
): ReportItem | undefined {
  const metadata = isTable(value) ? value.metadata : undefined;
  if (!isTable(value) || !isTable(metadata)) {
    log.warn('LOCK_ENTRY_INVALID', `install[${index}] has no metadata object; skipped.`);
    return undefined;
  }
  const rawName = stringField(metadata, 'name');
  const version = stringField(metadata, 'version');
  if (!rawName || !isValidPythonName(rawName) || !version) {
    log.warn(
      'LOCK_ENTRY_INVALID',
      `install[${index}] has no valid metadata name and version (name is ${describeType(metadata.name)}, version is ${describeType(metadata.version)}); skipped.`,
    );
    return undefined;
  }
  const line = firstAtOrAfter(nameLines.get(rawName), fromLine);
  const { source, artifacts, editable } = readDownloadInfo(
    value.download_info,
    value.is_direct === true,
    rawName,
    log,
    line,
  );
  const extras = Array.isArray(value.requested_extras)
    ? value.requested_extras.filter((x): x is string => typeof x === 'string').map(normalizeExtra)
    : [];
  const pkg = declaredPythonPackage({
    foundBy: PIP_REPORT_CATALOGER,
    format: 'pip-report',
    location: line === undefined ? { path } : { path, line },
    rawName,
    version,
    extras,
    source,
    editable,
    artifacts,
  });
  const requirements: Requirement[] = [];
  const requiresDist = metadata.requires_dist;
  if (Array.isArray(requiresDist)) {
    for (const r of requiresDist) {
      if (typeof r !== 'string') continue;
      try {
        requirements.push(parseRequirement(r));
      } catch (error) {
        if (!(error instanceof RequirementSyntaxError)) throw error;
        log.warn(
          'LOCK_FIELD_INVALID',
          `${rawName}: Requires-Dist '${r.slice(0, 80)}' is not a valid requirement (${error.message}).`,
          line,
        );
      }
    }
  }
  return { package: pkg, requirements };
}

/** PEP 610 `download_info`: `archive_info` (a wheel/sdist, with hashes), `vcs_info`, or `dir_info`. */
function readDownloadInfo(
  value: unknown,
  isDirect: boolean,
  name: string,
  log: ProblemLog,
  line?: number,
): { source?: PythonSource; artifacts: DistributionArtifact[]; editable?: boolean } {
  if (!isTable(value)) return { source: { kind: 'registry' }, artifacts: [] };
  const url = stringField(value, 'url');
  if (isTable(value.vcs_info)) {
    const vcs = value.vcs_info;
    const ref = stringField(vcs, 'commit_id') ?? stringField(vcs, 'requested_revision');
    return {
      source: {
        kind: 'vcs',
        ref: {
          vcs: stringField(vcs, 'vcs') ?? 'git',
          repository: redactUrl((url ?? '').replace(/^(git|hg|svn|bzr)\+/, '')),
          ...(ref ? { ref } : {}),
          ...(typeof value.subdirectory === 'string' ? { subdirectory: value.subdirectory } : {}),
        },
      },
      artifacts: [],
    };
  }
  if (isTable(value.dir_info)) {
    return {
      source: { kind: 'path', path: redactUrl(url ?? '') },
      artifacts: [],
      editable: value.dir_info.editable === true,
    };
  }
  const artifacts: DistributionArtifact[] = [];
  if (isTable(value.archive_info)) {
    const info = value.archive_info;
    let hashes = parseHashTable(info.hashes, log, line);
    if (hashes.length === 0 && info.hash !== undefined) {
      const legacy = parseHashString(info.hash, log, line);
      if (legacy) hashes = [legacy];
    }
    const filename = url ? fileNameOf(url) : undefined;
    const artifact: DistributionArtifact = { kind: artifactKind(filename), hashes };
    if (filename) artifact.filename = filename;
    if (url) artifact.url = redactUrl(url);
    artifacts.push(artifact);
  } else if (value.archive_info !== undefined) {
    log.warn(
      'LOCK_FIELD_INVALID',
      `${name}: 'archive_info' is ${describeType(value.archive_info)}, expected an object.`,
      line,
    );
  }
  return { source: isDirect && url ? { kind: 'url', url } : { kind: 'registry' }, artifacts };
}

function readEnvironment(value: unknown): MarkerEnvironment['values'] {
  const out: MarkerEnvironment['values'] = {};
  if (!isTable(value)) return out;
  for (const key of safeKeys(value)) {
    const v = (value as Table)[key];
    if (typeof v === 'string') out[key] = v;
  }
  return out;
}

/**
 * Follows each item's requirements whose markers hold in the report's environment, for the base install
 * and each extra requested of the item (by the user or by another item), until no new extra turns up.
 * An unknown marker value keeps the edge: the target is in the report, so pip did want it.
 */
function reportEdges(items: readonly ReportItem[], values: MarkerEnvironment['values']): Relationship[] {
  const byName = new Map(items.map((i) => [i.package.name, i]));
  const active = new Map<ReportItem, Set<string>>(
    items.map((i) => [
      i,
      new Set(i.package.metadata.kind === 'python-declared' ? i.package.metadata.extras : []),
    ]),
  );
  const edges = new EdgeSet();
  const done = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const item of items) {
      for (const extra of ['', ...active.get(item)!]) {
        const key = `${item.package.id}\u0000${extra}`;
        if (done.has(key)) continue;
        done.add(key);
        const env: MarkerEnvironment = { values, extras: new Set(extra ? [extra] : []) };
        for (const req of item.requirements) {
          const target = byName.get(req.name);
          if (!target) continue;
          if (req.marker && evaluateMarker(req.marker, env) === false) continue;
          edges.add(item.package.id, target.package.id);
          const targetExtras = active.get(target)!;
          for (const x of req.extras) {
            if (!targetExtras.has(x)) {
              targetExtras.add(x);
              changed = true;
            }
          }
        }
      }
    }
  }
  return edges.edges;
}
