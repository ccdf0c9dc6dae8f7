import { isMap, isSeq, type Document } from 'yaml';
import type { DistributionArtifact, IndexDeclaration, Location, Package } from '../../model.ts';
import { pinnedVersion } from '../../python/pep508.ts';
import type { ParseResult } from '../cataloger.ts';
import { declaredCondaPackage } from '../lock-support/conda-package.ts';
import { describeType, isTable } from '../lock-support/fields.ts';
import { parseHashString } from '../lock-support/hashes.ts';
import { LOCK_LIMITS } from '../lock-support/limits.ts';
import { ProblemLog } from '../lock-support/problems.ts';
import {
  declaredPythonPackage,
  isProjectItself,
  type DeclaredPythonInput,
} from '../lock-support/python-package.ts';
import { claimDeclaredText } from '../lock-support/sniff.ts';
import { redactUrl } from '../lock-support/urls.ts';
import { parseLockYaml } from '../lock-support/yaml.ts';
import { parseMatchSpec } from './match-spec.ts';
import { readPipLine } from './pip-lines.ts';

export const CONDA_ENVIRONMENT_CATALOGER = 'conda-environment';

/**
 * Reads a conda environment file (`environment.yml`): each `dependencies` match spec becomes a conda
 * package (with a version only when the spec pins one), each line of the `pip:` sub-list a PyPI package.
 * `channels` and pip's index options become index declarations. There is no dependency graph.
 */
export function parseCondaEnvironment(path: string, bytes: Uint8Array, conventional: boolean): ParseResult {
  const log = new ProblemLog(path);
  const result: ParseResult = { packages: [], relationships: [], problems: log.problems, indexes: [] };
  const text = claimDeclaredText(bytes, 'conda-environment', conventional, log, 'conda environment file');
  if (text === undefined) return result;
  const parsed = parseLockYaml(text, log, 'conda environment file');
  if (!parsed) return result;
  const { value, document, lineOf } = parsed;
  if (!isTable(value)) {
    log.error(
      'LOCK_STRUCTURE_INVALID',
      `${path} is ${describeType(value)}, expected a mapping with 'dependencies'.`,
    );
    return result;
  }
  const at = (node: unknown): Location => {
    const line = lineOf(node);
    return line === undefined ? { path } : { path, line };
  };

  const indexes: IndexDeclaration[] = [];
  const channelNodes = seqItems(document, 'channels');
  if (value.channels !== undefined && !Array.isArray(value.channels)) {
    log.warn(
      'LOCK_FIELD_INVALID',
      `'channels' is ${describeType(value.channels)}, expected a list; ignored.`,
    );
  } else if (Array.isArray(value.channels)) {
    value.channels.forEach((c, i) => {
      if (typeof c === 'string' && c !== 'nodefaults')
        indexes.push({ kind: 'lock-source', value: redactUrl(c), location: at(channelNodes[i]) });
    });
  }

  const deps = value.dependencies;
  if (deps === undefined || deps === null) {
    result.indexes = indexes;
    return result;
  }
  if (!Array.isArray(deps)) {
    log.error(
      'LOCK_STRUCTURE_INVALID',
      `'dependencies' in ${path} is ${describeType(deps)}, expected a list.`,
    );
    result.indexes = indexes;
    return result;
  }
  const depNodes = seqItems(document, 'dependencies');
  const packages: Package[] = [];
  const seen = new Set<string>();
  const add = (build: (idQualifier?: string) => Package, qualifier: string) => {
    if (packages.length >= LOCK_LIMITS.maxEntries) return;
    let pkg = build();
    if (seen.has(pkg.id)) pkg = build(qualifier);
    seen.add(pkg.id);
    packages.push(pkg);
  };
  if (deps.length > LOCK_LIMITS.maxEntries) {
    log.error(
      'LOCK_TOO_MANY_ENTRIES',
      `${path} lists ${deps.length} dependencies; only the first ${LOCK_LIMITS.maxEntries} are read.`,
    );
  }

  deps.slice(0, LOCK_LIMITS.maxEntries).forEach((dep, i) => {
    const node = depNodes[i];
    const location = at(node);
    if (typeof dep === 'string') {
      const spec = parseMatchSpec(dep);
      if (!spec) {
        log.warn(
          'CONDA_SPEC_INVALID',
          `'${dep.slice(0, 80)}' is not a conda match spec; skipped.`,
          location.line,
        );
        return;
      }
      add(
        (idQualifier) =>
          declaredCondaPackage({
            foundBy: CONDA_ENVIRONMENT_CATALOGER,
            location,
            declared: 'environment-yml',
            name: spec.name,
            version: spec.version,
            build: spec.build && !spec.build.includes('*') ? spec.build : undefined,
            channel: spec.channel ? redactUrl(spec.channel) : undefined,
            subdir: spec.subdir,
            spec: dep.trim(),
            idQualifier,
          }),
        String(location.line ?? i + 1),
      );
      return;
    }
    if (isTable(dep) && Array.isArray(dep.pip)) {
      const pipNodes = isMap(node) ? itemsOf(node.get('pip', true)) : [];
      dep.pip.forEach((line, j) => {
        const pipLocation = at(pipNodes[j]);
        if (typeof line !== 'string') {
          log.warn(
            'LOCK_FIELD_INVALID',
            `A pip: entry is ${describeType(line)}, expected a string; skipped.`,
            pipLocation.line,
          );
          return;
        }
        readPip(line, pipLocation, log, indexes, (input) =>
          add(
            (idQualifier) => declaredPythonPackage({ ...input, idQualifier }),
            String(pipLocation.line ?? j + 1),
          ),
        );
      });
      return;
    }
    log.warn(
      'LOCK_FIELD_INVALID',
      `A dependencies entry is ${describeType(dep)}, expected a match spec string or a 'pip:' list; skipped.`,
      location.line,
    );
  });
  result.packages = packages;
  result.indexes = indexes;
  return result;
}

function readPip(
  text: string,
  location: Location,
  log: ProblemLog,
  indexes: IndexDeclaration[],
  add: (input: DeclaredPythonInput) => void,
): void {
  const line = readPipLine(text);
  const base = { foundBy: CONDA_ENVIRONMENT_CATALOGER, format: 'conda-environment' as const, location };
  switch (line.kind) {
    case 'ignored':
      return;
    case 'invalid':
      log.warn(
        'CONDA_ENV_PIP_LINE_INVALID',
        `pip line '${redactUrl(text).slice(0, 80)}' cannot be read: ${line.reason}.`,
        location.line,
      );
      return;
    case 'index':
      indexes.push({ kind: line.option, value: redactUrl(line.value), location });
      return;
    case 'include':
      log.warn(
        'CONDA_ENV_PIP_INCLUDE_NOT_FOLLOWED',
        `pip line '${line.option} ${line.file}' includes another file; it is not followed here (requirements files are cataloged on their own).`,
        location.line,
      );
      return;
    case 'requirement': {
      const req = line.requirement;
      const version = pinnedVersion(req.clauses);
      const artifacts: DistributionArtifact[] = [];
      for (const h of line.hashes) {
        const hash = parseHashString(h, log, location.line);
        if (hash) artifacts.push({ kind: 'archive', hashes: [hash] });
      }
      add({
        ...base,
        rawName: req.rawName,
        version,
        specifier: req.specifier,
        pinned: version !== undefined,
        extras: req.extras,
        marker: req.markerText,
        source: req.url ? { kind: 'url', url: req.url } : { kind: 'registry' },
        artifacts,
      });
      return;
    }
    case 'vcs':
    case 'url':
    case 'path': {
      const source =
        line.kind === 'vcs'
          ? ({ kind: 'vcs', ref: line.ref } as const)
          : line.kind === 'url'
            ? ({ kind: 'url', url: line.url } as const)
            : ({ kind: 'path', path: line.path, editable: line.editable } as const);
      if (isProjectItself(source)) return;
      if (!line.name) {
        log.warn(
          'CONDA_ENV_PIP_LINE_INVALID',
          `pip line '${redactUrl(text).slice(0, 80)}' does not say which package it installs (add #egg=<name>); skipped.`,
          location.line,
        );
        return;
      }
      add({
        ...base,
        rawName: line.name,
        source,
        editable: line.kind !== 'url' && line.editable,
        specifier: '',
        pinned: false,
      });
      return;
    }
  }
}

/** AST nodes of a top-level sequence, for line numbers (the values come from the bounded toJS). */
function seqItems(document: Document.Parsed, key: string): unknown[] {
  return itemsOf(document.get(key, true));
}

function itemsOf(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}
