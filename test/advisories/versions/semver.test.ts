import assert from 'node:assert/strict';
import { ecosystemOrder, rangeOrder, semverOrder } from '../../../src/advisories/versions/index.ts';

describe('SemVer ordering', () => {
  describe('when ordering by SemVer 2.0 precedence', () => {
    it('puts pre-releases before their release and ignores build metadata', () => {
      const sorted = [
        '1.0.0',
        '1.0.0-rc.1',
        '1.0.0-beta.11',
        '1.0.0-beta.2',
        '1.0.0-alpha',
        '0.9.9',
        '1.0.0-alpha.1',
      ].sort((a, b) => semverOrder.compare(a, b));
      assert.deepEqual(sorted, [
        '0.9.9',
        '1.0.0-alpha',
        '1.0.0-alpha.1',
        '1.0.0-beta.2',
        '1.0.0-beta.11',
        '1.0.0-rc.1',
        '1.0.0',
      ]);
      assert.equal(semverOrder.compare('1.0.0+build.1', '1.0.0'), 0);
    });

    it('tolerates one leading v and nothing looser', () => {
      assert.equal(semverOrder.isValid('v1.2.3'), true);
      assert.equal(semverOrder.isValid('1.2'), false);
      assert.equal(semverOrder.isValid('=1.2.3'), false);
    });
  });

  describe('when choosing an ordering for an OSV range', () => {
    it('uses the ecosystem for ECOSYSTEM ranges and SemVer for SEMVER ranges', () => {
      assert.equal(rangeOrder('ECOSYSTEM', 'PyPI')?.name, 'PEP 440');
      assert.equal(rangeOrder('ECOSYSTEM', 'Debian:12')?.name, 'dpkg');
      assert.equal(rangeOrder('ECOSYSTEM', 'Ubuntu:22.04:LTS')?.name, 'dpkg');
      assert.equal(rangeOrder('SEMVER', 'npm')?.name, 'SemVer');
      assert.equal(rangeOrder('ECOSYSTEM', 'npm'), undefined);
      assert.equal(rangeOrder('GIT', 'PyPI'), undefined);
      assert.equal(ecosystemOrder('Alpine:v3.18'), undefined);
    });
  });
});
