import { redactUrl } from '../lock-support/urls.ts';

export interface CondaArchiveUrl {
  name: string;
  version: string;
  build: string;
  subdir?: string;
  /** Channel base URL (credentials redacted), e.g. `https://conda.anaconda.org/conda-forge`. */
  channelUrl?: string;
  /** Channel name where the host gives one (`conda-forge`, `main`). */
  channelName?: string;
  archiveType: 'conda' | 'tar.bz2';
}

const SUBDIR = /^(noarch|[a-z]+-(64|32|aarch64|arm64|armv6l|armv7l|ppc64le|ppc64|s390x|wasm32|z|riscv64))$/;
const ANACONDA_HOSTS =
  /^(conda\.anaconda\.org|repo\.anaconda\.com|repo\.continuum\.io|conda\.anaconda\.com)$/i;

/**
 * Splits a conda package URL (`<channel>/<subdir>/<name>-<version>-<build>.conda`) into its parts. Conda
 * names may contain `-`, versions and builds may not, so the file stem splits at its last two dashes.
 */
export function parseCondaArchiveUrl(url: string): CondaArchiveUrl | undefined {
  const clean = url.split(/[?#]/)[0]!;
  const slash = clean.lastIndexOf('/');
  const filename = clean.slice(slash + 1);
  const ext = /\.(conda|tar\.bz2)$/.exec(filename);
  if (!ext) return undefined;
  const stem = filename.slice(0, -ext[0].length);
  const parts = stem.split('-');
  if (parts.length < 3) return undefined;
  const build = parts.pop()!;
  const version = parts.pop()!;
  const name = parts.join('-');
  if (!name || !version || !build) return undefined;
  const out: CondaArchiveUrl = { name, version, build, archiveType: ext[1] as 'conda' | 'tar.bz2' };

  const dir = slash >= 0 ? clean.slice(0, slash) : '';
  const dirSlash = dir.lastIndexOf('/');
  const subdir = dir.slice(dirSlash + 1);
  if (!SUBDIR.test(subdir)) return out;
  out.subdir = subdir;
  const channel = dirSlash >= 0 ? dir.slice(0, dirSlash) : '';
  if (channel === '') return out;
  out.channelUrl = redactUrl(channel);
  const m = /^https?:\/\/([^/@]+@)?([^/:]+)(:\d+)?(\/.*)?$/i.exec(channel);
  if (m && ANACONDA_HOSTS.test(m[2]!)) {
    const segments = (m[4] ?? '').split('/').filter((s) => s !== '');
    // conda.anaconda.org/t/<token>/<channel>: the token is not part of the name.
    const named = segments[0] === 't' ? segments.slice(2) : segments;
    if (named.length > 0) out.channelName = named[named.length - 1];
  }
  return out;
}
