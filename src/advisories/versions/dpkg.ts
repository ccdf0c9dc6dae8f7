import type { VersionOrder } from './version-order.ts';

/**
 * Debian version ordering, as Debian Policy §5.6.12 defines it and `dpkg --compare-versions` implements it:
 * `[epoch:]upstream[-revision]`, compared epoch first (numerically), then upstream, then revision, each
 * with the dpkg string algorithm: alternating runs of non-digits (where `~` sorts before everything, even
 * the end of the string, and letters sort before other characters) and runs of digits (numerically).
 */
export const dpkgOrder: VersionOrder = {
  name: 'dpkg',
  isValid: (version) => parseDpkgVersion(version) !== undefined,
  compare: (a, b) => compareDpkgVersions(a, b),
  forMatching: (version) => version,
};

export interface DpkgVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

const UPSTREAM = /^[0-9][A-Za-z0-9.+~:-]*$/;
const UPSTREAM_NO_HYPHEN = /^[0-9][A-Za-z0-9.+~:]*$/;
const REVISION = /^[A-Za-z0-9.+~]+$/;

export function parseDpkgVersion(version: string): DpkgVersion | undefined {
  const text = version.trim();
  if (text === '' || /\s/.test(text)) return undefined;
  let epoch = 0;
  let rest = text;
  const colon = text.indexOf(':');
  if (colon >= 0) {
    const epochText = text.slice(0, colon);
    if (!/^\d+$/.test(epochText)) return undefined;
    epoch = Number(epochText);
    if (!Number.isSafeInteger(epoch)) return undefined;
    rest = text.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (hyphen >= 0 && !REVISION.test(revision)) return undefined;
  // Colons are allowed in the upstream part only when there is an epoch; hyphens only with a revision.
  if (colon < 0 && upstream.includes(':')) return undefined;
  if (!(hyphen >= 0 ? UPSTREAM : UPSTREAM_NO_HYPHEN).test(upstream)) return undefined;
  return { epoch, upstream, revision };
}

export function compareDpkgVersions(a: string, b: string): number {
  const va = parseDpkgVersion(a);
  const vb = parseDpkgVersion(b);
  if (!va || !vb) throw new TypeError(`not a Debian version: ${!va ? a : b}`);
  if (va.epoch !== vb.epoch) return va.epoch < vb.epoch ? -1 : 1;
  return compareFragment(va.upstream, vb.upstream) || compareFragment(va.revision, vb.revision);
}

/** Weight of one character in a non-digit run: `~` lowest, then end of string, letters, everything else. */
function order(code: number | undefined): number {
  if (code === undefined) return 0;
  if (code === 0x7e) return -1; // ~
  if (isDigit(code)) return 0;
  if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return code;
  return code + 256;
}

function isDigit(code: number | undefined): boolean {
  return code !== undefined && code >= 0x30 && code <= 0x39;
}

function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // Non-digit run: compare character by character with the weights above.
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ca = i < a.length && !isDigit(a.charCodeAt(i)) ? a.charCodeAt(i) : undefined;
      const cb = j < b.length && !isDigit(b.charCodeAt(j)) ? b.charCodeAt(j) : undefined;
      const diff = order(ca) - order(cb);
      if (diff !== 0) return diff < 0 ? -1 : 1;
      if (ca !== undefined) i++;
      if (cb !== undefined) j++;
    }
    // Digit run: skip leading zeros, then the longer run is larger, else the first differing digit decides.
    while (a.charCodeAt(i) === 0x30) i++;
    while (b.charCodeAt(j) === 0x30) j++;
    let firstDiff = 0;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff < 0 ? -1 : 1;
  }
  return 0;
}
