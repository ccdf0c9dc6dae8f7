import { compare, valid } from '@renovatebot/pep440';

/** PEP 440 helpers for Ray versions (Ray publishes PEP 440 versions on PyPI). */

export function isVersion(value: string): boolean {
  return valid(value) !== null;
}

/** Compares two versions; undefined when either is not a PEP 440 version. */
export function compareVersions(a: string, b: string): number | undefined {
  if (valid(a) === null || valid(b) === null) return undefined;
  return compare(a, b);
}

export function versionBelow(version: string, bound: string): boolean {
  const c = compareVersions(version, bound);
  return c !== undefined && c < 0;
}

export function versionAtLeast(version: string, bound: string): boolean {
  const c = compareVersions(version, bound);
  return c !== undefined && c >= 0;
}

/** True when `version` is in [from, to). */
export function versionInRange(version: string, from: string, to: string): boolean {
  return versionAtLeast(version, from) && versionBelow(version, to);
}
