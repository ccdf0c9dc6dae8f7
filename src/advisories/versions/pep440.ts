import { compare, explain } from '@renovatebot/pep440';
import type { VersionOrder } from './version-order.ts';

/**
 * PEP 440 ordering (epochs, pre-, post- and dev-releases, local labels) through @renovatebot/pep440's
 * `compare`, which agreed with PyPA's `packaging` on every probe we ran. Its `clean()` mangles local
 * labels, so versions are never rewritten through it: they are kept as the source spelled them.
 */
export const pep440Order: VersionOrder = {
  name: 'PEP 440',
  isValid: (version) => explain(version) !== null,
  compare: (a, b) => compare(a, b),
  forMatching(version) {
    const parsed = explain(version);
    return parsed && parsed.local ? parsed.public : version;
  },
};
