import { explain } from '@renovatebot/pep440';
import type { VersionOrder } from './version-order.ts';

/**
 * PEP 440 ordering (epochs, pre-, post- and dev-releases, local labels). Versions are parsed by
 * @renovatebot/pep440's `explain` (which normalises every spelling PEP 440 allows) once per distinct string,
 * and ordered by PEP 440's sort key, as PyPA's `packaging` builds it; the tests hold it to a table generated
 * with `packaging`. Its `clean()` mangles local labels, so versions are never rewritten: they are kept as the
 * source spelled them.
 */
export const pep440Order: VersionOrder = {
  name: 'PEP 440',
  isValid: (version) => parsed(version) !== null,
  compare: (a, b) => (a === b ? 0 : compareParsed(parsed(a)!, parsed(b)!)),
  forMatching(version) {
    const p = parsed(version);
    return p && p.local ? p.public : version;
  },
  equalityKey(version) {
    const p = parsed(version);
    if (!p) return undefined;
    const release = [...p.release];
    while (release.length > 1 && release.at(-1) === 0) release.pop();
    return [
      p.epoch,
      release.join('.'),
      p.pre ? p.pre.join('') : '',
      p.post ?? '',
      p.dev ?? '',
      p.local ? normaliseLocal(p.local) : '',
    ].join('|');
  },
};

// Parsing is the cost of matching (the same version strings recur across thousands of records), so each
// distinct string is parsed once; the cache is dropped whole when it grows past the bound.
const MAX_CACHED = 200_000;
const cache = new Map<string, Pep440Version | null>();

/** What `explain` returns at run time (its bundled typings describe post/dev as arrays; they are numbers). */
interface Pep440Version {
  epoch: number;
  release: number[];
  pre: [string, number] | null;
  post: number | null;
  dev: number | null;
  local: string | null;
  public: string;
}

function parsed(version: string): Pep440Version | null {
  let p = cache.get(version);
  if (p === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    p = explain(version) as unknown as Pep440Version | null;
    cache.set(version, p);
  }
  return p;
}

/** PEP 440: local segments compare case-insensitively, with `-` and `_` as `.`, numbers numerically. */
function normaliseLocal(local: string): string {
  return local
    .toLowerCase()
    .split(/[._-]/)
    .map((part) => (/^\d+$/.test(part) ? String(Number(part)) : part))
    .join('.');
}

const PRE_RANK: Record<string, number> = { a: 0, b: 1, rc: 2 };

/** PEP 440 order of two parsed versions (packaging's `_cmpkey`, compared field by field). */
function compareParsed(a: Pep440Version, b: Pep440Version): number {
  return (
    a.epoch - b.epoch ||
    compareRelease(a.release, b.release) ||
    compareKeys(preKey(a), preKey(b)) ||
    (a.post ?? -Infinity) - (b.post ?? -Infinity) ||
    (a.dev ?? Infinity) - (b.dev ?? Infinity) ||
    compareLocal(a.local, b.local)
  );
}

function compareRelease(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A dev release of a final version sorts before its pre-releases; a final release after them. */
function preKey(v: Pep440Version): [number, number] {
  if (v.pre) return [PRE_RANK[v.pre[0]] ?? 0, v.pre[1]];
  if (v.post === null && v.dev !== null) return [-Infinity, 0];
  return [Infinity, 0];
}

function compareKeys(a: [number, number], b: [number, number]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] - b[1];
}

/** No local label sorts first; numeric segments sort after alphanumeric ones and compare as numbers. */
function compareLocal(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const pa = a.toLowerCase().split(/[._-]/);
  const pb = b.toLowerCase().split(/[._-]/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    } else if (nx !== ny) {
      return nx ? 1 : -1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return pa.length - pb.length;
}
