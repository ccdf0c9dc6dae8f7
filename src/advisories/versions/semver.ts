import semver from 'semver';
import type { VersionOrder } from './version-order.ts';

/**
 * SemVer 2.0 precedence (section 11) for `SEMVER` ranges. OSV says these versions carry no leading `v`,
 * but real records and inventories sometimes do; a single leading `v` is tolerated, nothing looser.
 */
export const semverOrder: VersionOrder = {
  name: 'SemVer',
  isValid: (version) => parseSemver(version) !== null,
  compare: (a, b) => semver.compare(parseSemver(a)!, parseSemver(b)!),
  forMatching: (version) => version,
};

function parseSemver(version: string): semver.SemVer | null {
  const bare = /^v\d/.test(version) ? version.slice(1) : version;
  return semver.parse(bare);
}
