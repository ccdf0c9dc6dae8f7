import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { compareDpkgVersions, dpkgOrder, parseDpkgVersion } from '../../../src/advisories/versions/dpkg.ts';
import { readOrderTable, sign } from './order-table.ts';

function dpkgAvailable(): boolean {
  try {
    execFileSync('dpkg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('dpkg version ordering', () => {
  describe('when compared with the table dpkg --compare-versions generated', () => {
    const table = readOrderTable('dpkg.generated.txt');

    it('agrees on every one of the pairs', () => {
      assert.ok(table.length > 2500);
      const wrong = table.filter((c) => sign(compareDpkgVersions(c.a, c.b)) !== c.op);
      assert.deepEqual(wrong, []);
    });
  });

  describe('when dpkg is installed on this machine', () => {
    // A second, live oracle over versions the table does not hold (skipped where dpkg is absent).
    const pairs: [string, string][] = [
      ['1:3.0.11-1~deb12u2', '3.0.11-1~deb12u2'],
      ['2.36-9+deb12u10', '2.36-9+deb12u9'],
      ['1.0~beta1~svn1245', '1.0~beta1'],
      ['0.9.8zh-1', '0.9.8zg-1'],
      ['1.2.3-0ubuntu0.22.04.1', '1.2.3-0ubuntu1'],
      ['10.0.0', '9.99.99'],
      ['1.0+really0.9-1', '1.0-1'],
    ];
    it('agrees with dpkg --compare-versions on versions outside the table', function () {
      if (!dpkgAvailable()) this.skip();
      for (const [a, b] of pairs) {
        let expected: string;
        try {
          execFileSync('dpkg', ['--compare-versions', a, 'lt', b]);
          expected = '<';
        } catch {
          try {
            execFileSync('dpkg', ['--compare-versions', a, 'eq', b]);
            expected = '=';
          } catch {
            expected = '>';
          }
        }
        assert.equal(sign(compareDpkgVersions(a, b)), expected, `${a} vs ${b}`);
      }
    });
  });

  describe('when parsing', () => {
    it('splits epoch, upstream and revision at the first colon and the last hyphen', () => {
      assert.deepEqual(parseDpkgVersion('1:2.38.1-5+deb12u1'), {
        epoch: 1,
        upstream: '2.38.1',
        revision: '5+deb12u1',
      });
      assert.deepEqual(parseDpkgVersion('1.0-1-2'), { epoch: 0, upstream: '1.0-1', revision: '2' });
      assert.deepEqual(parseDpkgVersion('2.4.57'), { epoch: 0, upstream: '2.4.57', revision: '' });
    });

    it('refuses what dpkg would refuse', () => {
      for (const bad of ['', 'a1.0', '1.0 1', 'x:1.0', '1.0-', '1:2:3-', '1.0_1', '1.0:1']) {
        assert.equal(dpkgOrder.isValid(bad), false, bad);
      }
    });
  });
});
