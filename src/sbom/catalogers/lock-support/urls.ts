/** URL handling shared by the lock catalogers: credential redaction and VCS references. */

const REDACTED = '***';

/**
 * Removes credentials from a URL before it is stored or printed: the user-info part
 * (`https://user:token@host`) and anaconda.org's path tokens (`/t/<token>/`). Non-URLs (paths) pass through.
 */
export function redactUrl(value: string): string {
  let out = value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, `$1${REDACTED}@`);
  out = out.replace(/\/t\/[^/]+\//, `/t/${REDACTED}/`);
  return out;
}

/** True for `http(s)://` URLs, the only ones that make sense as purl download or repository qualifiers. */
export function isWebUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/** A full commit id: SHA-1 (40 hex) or SHA-256 (64 hex). Anything shorter is a branch, tag or prefix. */
export function isFullCommit(ref: string | undefined): boolean {
  return ref !== undefined && /^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(ref);
}

export interface VcsReference {
  vcs: string;
  /** Repository URL without the VCS prefix, revision, query or fragment; credentials redacted. */
  repository: string;
  /** Revision as written: a commit, tag or branch. */
  ref?: string;
  subdirectory?: string;
}

/** The PEP 440 direct-reference spelling of a VCS reference: `git+https://host/repo@ref`. */
export function vcsDirectUrl(ref: VcsReference): string {
  const base = `${ref.vcs}+${ref.repository}`;
  const withRef = ref.ref ? `${base}@${ref.ref}` : base;
  return ref.subdirectory ? `${withRef}#subdirectory=${ref.subdirectory}` : withRef;
}

/**
 * Parses a pip-style VCS URL (`git+https://host/repo.git@rev#egg=x&subdirectory=y`). Returns undefined when
 * the string does not start with a VCS prefix.
 */
export function parsePipVcsUrl(value: string): VcsReference | undefined {
  const m = /^(git|hg|svn|bzr)\+(.+)$/i.exec(value.trim());
  if (!m) return undefined;
  const vcs = m[1]!.toLowerCase();
  let rest = m[2]!;
  let subdirectory: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    const fragment = new URLSearchParams(rest.slice(hash + 1));
    subdirectory = fragment.get('subdirectory') ?? undefined;
    rest = rest.slice(0, hash);
  }
  // The revision follows the last '@' of the path (an '@' before the host is user-info).
  let ref: string | undefined;
  const schemeEnd = rest.indexOf('://');
  const pathStart = schemeEnd >= 0 ? rest.indexOf('/', schemeEnd + 3) : 0;
  const at = rest.lastIndexOf('@');
  if (at > pathStart && pathStart >= 0) {
    ref = rest.slice(at + 1) || undefined;
    rest = rest.slice(0, at);
  }
  const out: VcsReference = { vcs, repository: redactUrl(rest) };
  if (ref) out.ref = ref;
  if (subdirectory) out.subdirectory = subdirectory;
  return out;
}

/** Index URLs that mean "the public PyPI", for which a purl needs no repository qualifier. */
export function isPublicPypi(index: string): boolean {
  return /^https?:\/\/(pypi\.org|pypi\.python\.org|files\.pythonhosted\.org)(\/simple)?\/?$/i.test(index);
}
