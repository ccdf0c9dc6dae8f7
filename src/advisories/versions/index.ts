import { dpkgOrder } from './dpkg.ts';
import { pep440Order } from './pep440.ts';
import { semverOrder } from './semver.ts';
import type { VersionOrder } from './version-order.ts';

export type { VersionOrder } from './version-order.ts';
export { dpkgOrder, compareDpkgVersions, parseDpkgVersion } from './dpkg.ts';
export { pep440Order } from './pep440.ts';
export { semverOrder } from './semver.ts';

/**
 * The ordering of an OSV ecosystem (`PyPI`, `Debian:12`, `Ubuntu:22.04:LTS`), or undefined when raygate
 * cannot order that ecosystem's versions; such ranges are reported as not evaluable, never guessed.
 */
export function ecosystemOrder(ecosystem: string): VersionOrder | undefined {
  const base = ecosystem.split(':', 1)[0];
  switch (base) {
    case 'PyPI':
      return pep440Order;
    case 'Debian':
    case 'Ubuntu':
      return dpkgOrder;
    default:
      return undefined;
  }
}

/** The ordering an OSV range of `type` uses within `ecosystem`; GIT ranges need a commit graph. */
export function rangeOrder(type: string, ecosystem: string): VersionOrder | undefined {
  if (type === 'SEMVER') return semverOrder;
  if (type === 'ECOSYSTEM') return ecosystemOrder(ecosystem);
  return undefined;
}
