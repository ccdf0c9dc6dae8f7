import type { PythonSource } from '../lock-support/python-package.ts';
import { isTable, safeKeys, type Table } from '../lock-support/fields.ts';
import { redactUrl, type VcsReference } from '../lock-support/urls.ts';

export interface UvSource {
  source?: PythonSource;
  /** Canonical text of the source table, to match a dependency entry's `source` against packages. */
  key: string;
  /** A workspace member or the project itself (`virtual` / `editable` at `.`). */
  isProjectRoot: boolean;
}

/**
 * Reads a uv.lock `source` inline table: `{ registry = URL }`, `{ git = "URL?rev=…#<commit>" }`,
 * `{ url = URL }`, `{ path = … }`, `{ directory = … }`, `{ editable = … }`, `{ virtual = … }`.
 */
export function readUvSource(value: unknown): UvSource {
  if (!isTable(value)) return { key: '', isProjectRoot: false };
  const key = sourceKey(value);
  const str = (k: string) => (typeof value[k] === 'string' ? (value[k] as string) : undefined);
  const registry = str('registry');
  if (registry !== undefined)
    return { key, source: { kind: 'registry', index: registry }, isProjectRoot: false };
  const git = str('git');
  if (git !== undefined) return { key, source: { kind: 'vcs', ref: parseUvGit(git) }, isProjectRoot: false };
  const url = str('url');
  if (url !== undefined) return { key, source: { kind: 'url', url }, isProjectRoot: false };
  const editable = str('editable');
  if (editable !== undefined) {
    return { key, source: { kind: 'path', path: editable, editable: true }, isProjectRoot: editable === '.' };
  }
  const virtual = str('virtual');
  if (virtual !== undefined)
    return { key, source: { kind: 'path', path: virtual }, isProjectRoot: virtual === '.' };
  const path = str('path') ?? str('directory');
  if (path !== undefined) return { key, source: { kind: 'path', path }, isProjectRoot: false };
  return { key, isProjectRoot: false };
}

/** The same canonical text for a package's source and a dependency entry's `source`. */
export function sourceKey(value: unknown): string {
  if (!isTable(value)) return '';
  return safeKeys(value)
    .sort()
    .map((k) => `${k}=${String((value as Table)[k])}`)
    .join('&');
}

/**
 * uv writes git sources as `https://host/repo?rev=v1&subdirectory=pkg#<full commit>`: the fragment is the
 * resolved commit, the query the requested revision.
 */
export function parseUvGit(value: string): VcsReference {
  let rest = value.replace(/^git\+/, '');
  let commit: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    commit = rest.slice(hash + 1) || undefined;
    rest = rest.slice(0, hash);
  }
  let query = new URLSearchParams();
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = new URLSearchParams(rest.slice(q + 1));
    rest = rest.slice(0, q);
  }
  const requested = query.get('rev') ?? query.get('tag') ?? query.get('branch') ?? undefined;
  const out: VcsReference = {
    vcs: 'git',
    repository: redactUrl(rest),
  };
  const ref = commit ?? requested;
  if (ref) out.ref = ref;
  const subdirectory = query.get('subdirectory');
  if (subdirectory) out.subdirectory = subdirectory;
  return out;
}
