import type { IndexDeclaration } from '../../model.ts';
import { parseRequirement, RequirementSyntaxError, type Requirement } from '../../python/pep508.ts';
import { isValidPythonName } from '../../python/names.ts';
import { fileNameOf } from '../lock-support/hashes.ts';
import { parsePipVcsUrl, type VcsReference } from '../lock-support/urls.ts';

/** One line of an environment.yml `pip:` list, which pip reads as a requirements-file line. */
export type PipLine =
  | { kind: 'requirement'; requirement: Requirement; hashes: string[]; editable: boolean }
  | { kind: 'vcs'; name?: string; ref: VcsReference; editable: boolean }
  | { kind: 'url'; name?: string; url: string }
  | { kind: 'path'; name?: string; path: string; editable: boolean }
  | { kind: 'index'; option: IndexDeclaration['kind']; value: string }
  | { kind: 'include'; option: string; file: string }
  | { kind: 'ignored' }
  | { kind: 'invalid'; reason: string };

const INDEX_OPTIONS: Record<string, IndexDeclaration['kind']> = {
  '-i': 'index-url',
  '--index-url': 'index-url',
  '--extra-index-url': 'extra-index-url',
  '-f': 'find-links',
  '--find-links': 'find-links',
  '--trusted-host': 'trusted-host',
  '--no-index': 'no-index',
};
const INCLUDE_OPTIONS = new Set(['-r', '--requirement', '-c', '--constraint']);

/**
 * Reads one pip line: a PEP 508 requirement (with `--hash` options), `-e`/`--editable`, a VCS or archive
 * URL (`#egg=name` names it), a local path, an index option, or an include. Options pip has that do not
 * describe packages or indexes (`--pre`, `--no-binary`) are ignored.
 */
export function readPipLine(input: string): PipLine {
  const text = input.trim();
  if (text === '' || text.startsWith('#')) return { kind: 'ignored' };
  if (text.startsWith('-')) {
    const m = /^(-[a-zA-Z]|--[a-z-]+)(?:[=\s]\s*(.*))?$/.exec(text);
    if (!m) return { kind: 'invalid', reason: 'not a pip option' };
    const option = m[1]!;
    const value = (m[2] ?? '').trim();
    if (option === '-e' || option === '--editable') {
      if (value === '') return { kind: 'invalid', reason: `${option} needs a path or URL` };
      const target = readTarget(value, true);
      return target ?? { kind: 'invalid', reason: `cannot read the editable target '${value}'` };
    }
    const index = INDEX_OPTIONS[option];
    if (index) return { kind: 'index', option: index, value };
    if (INCLUDE_OPTIONS.has(option)) return { kind: 'include', option, file: value };
    return { kind: 'ignored' };
  }
  const target = readTarget(text, false);
  if (target) return target;

  const [requirementText, ...options] = text.split(/\s+(?=--)/);
  const hashes: string[] = [];
  for (const option of options) {
    const m = /^--hash[=\s]\s*(\S+)$/.exec(option.trim());
    if (m) hashes.push(m[1]!);
  }
  try {
    const requirement = parseRequirement(requirementText!);
    if (requirement.url) {
      const vcs = parsePipVcsUrl(requirement.url);
      if (vcs) return { kind: 'vcs', name: requirement.rawName, ref: vcs, editable: false };
    }
    return { kind: 'requirement', requirement, hashes, editable: false };
  } catch (error) {
    if (error instanceof RequirementSyntaxError) return { kind: 'invalid', reason: error.message };
    throw error;
  }
}

/** A URL or path target, named by its `#egg=` fragment or archive file name when it has one. */
function readTarget(value: string, editable: boolean): PipLine | undefined {
  const egg = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(value)?.[1];
  const vcs = parsePipVcsUrl(value);
  if (vcs) return { kind: 'vcs', ...(egg ? { name: egg } : {}), ref: vcs, editable };
  const name = egg ?? archiveName(value);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !/^file:/i.test(value)) {
    return { kind: 'url', ...(name ? { name } : {}), url: value };
  }
  if (
    editable ||
    /^(\.{1,2}\/|\/|~|file:)/.test(value) ||
    value === '.' ||
    /\.(whl|tar\.gz|zip)$/i.test(value)
  ) {
    // `#egg=` names the package; it is not part of the path.
    return { kind: 'path', ...(name ? { name } : {}), path: value.split('#')[0]!, editable };
  }
  return undefined;
}

/** The distribution name in a wheel or sdist file name (`ray-2.58.0-cp311-….whl`, `foo-1.0.tar.gz`). */
function archiveName(url: string): string | undefined {
  const file = fileNameOf(url);
  if (!file) return undefined;
  const wheel = /^([A-Za-z0-9_.]+)-[^-]+(-[^-]+)?-[^-]+-[^-]+-[^-]+\.whl$/.exec(file);
  if (wheel) return wheel[1];
  const sdist = /^(.+)-[0-9][^-]*\.(tar\.gz|zip|tar\.bz2|tgz)$/.exec(file);
  if (sdist && isValidPythonName(sdist[1]!)) return sdist[1];
  return undefined;
}
