import assert from 'node:assert/strict';
import { describeRange, matchQuery } from '../../src/advisories/match.ts';
import type { OsvRecord } from '../../src/advisories/osv.ts';
import type { AdvisoryQuery } from '../../src/advisories/package-query.ts';
import { ghsa, pypa, pypaPackage, withEvents } from './records.ts';

const pypi = (name: string, version: string): AdvisoryQuery => ({ ecosystems: ['PyPI'], name, version });
const ids = (query: AdvisoryQuery, records: OsvRecord[]) =>
  matchQuery(query, records)
    .matches.map((m) => m.record.id)
    .sort();
const affects = (record: OsvRecord, version: string, name = record.affected![0]!.package!.name) =>
  matchQuery(pypi(name, version), [record]).matches.length === 1;

const RAY = ['GHSA-h3xg-wv58-5p43', 'GHSA-6cxr-8q3m-jwrr', 'GHSA-3pww-qvr8-6mhp', 'GHSA-6wgj-66m2-xxp2'].map(
  ghsa,
);

describe('matchQuery', () => {
  describe('when ray is checked against the stored GitHub advisories (last_affected 2.6.3)', () => {
    it('finds the three dashboard advisories in 2.6.3 and in older releases and pre-releases', () => {
      const expected = ['GHSA-3pww-qvr8-6mhp', 'GHSA-6cxr-8q3m-jwrr', 'GHSA-h3xg-wv58-5p43'];
      for (const version of ['2.6.3', '2.6.3rc1', '2.6.3.dev0', '2.6.2', '1.13.0', '0.1']) {
        assert.deepEqual(ids(pypi('ray', version), RAY), expected, version);
      }
    });

    it('finds nothing above last_affected: post-releases, patch and later releases', () => {
      for (const version of ['2.6.3.post1', '2.6.4', '2.7.0', '2.8.1', '2.58.0']) {
        assert.deepEqual(ids(pypi('ray', version), RAY), [], version);
      }
    });

    it('never matches GHSA-6wgj-66m2-xxp2, whose affected list is empty', () => {
      assert.equal(affects(RAY[3]!, '2.6.3', 'ray'), false);
    });

    it('describes the range that matched', () => {
      const [match] = matchQuery(pypi('ray', '2.6.3'), [RAY[0]!]).matches;
      assert.deepEqual(match!.ranges, [{ type: 'ECOSYSTEM', introduced: '0', lastAffected: '2.6.3' }]);
      assert.equal(describeRange(match!.ranges[0]!), '<=2.6.3');
      assert.deepEqual(match!.fixedVersions, []);
    });
  });

  describe('when a record gives the fixed version (CVE-2023-6019 is fixed in 2.8.1)', () => {
    const fixed = withEvents(ghsa('GHSA-h3xg-wv58-5p43'), [{ introduced: '0' }, { fixed: '2.8.1' }]);

    it('affects every version below the fix, the fix’s own pre-releases included', () => {
      for (const v of ['2.6.3', '2.8.0', '2.8.1rc1', '2.8.1.dev0']) assert.equal(affects(fixed, v), true, v);
    });

    it('does not affect the fixed version or later', () => {
      for (const v of ['2.8.1', '2.8.1.post1', '2.8.2', '2.10.0', '2.58.0'])
        assert.equal(affects(fixed, v), false, v);
    });

    it('names the fixed version above the installed one', () => {
      const [match] = matchQuery(pypi('ray', '2.6.3'), [fixed]).matches;
      assert.deepEqual(match!.fixedVersions, ['2.8.1']);
      assert.equal(describeRange(match!.ranges[0]!), '<2.8.1');
    });
  });

  describe('when ranges have boundaries at every event', () => {
    const base = ghsa('GHSA-5h86-8mv2-jq9f'); // aiohttp: introduced 1.0.5, fixed 3.9.2

    it('includes introduced and excludes fixed', () => {
      assert.equal(affects(base, '1.0.4'), false);
      assert.equal(affects(base, '1.0.5'), true);
      assert.equal(affects(base, '3.9.1'), true);
      assert.equal(affects(base, '3.9.2rc0'), true);
      assert.equal(affects(base, '3.9.2'), false);
    });

    it('includes last_affected and excludes what follows it', () => {
      const gunicorn = ghsa('GHSA-w3h3-4rj7-4ph4'); // last_affected 21.2.0
      assert.equal(affects(gunicorn, '21.2.0'), true);
      assert.equal(affects(gunicorn, '21.2.0.post1'), false);
      assert.equal(affects(gunicorn, '22.0.0'), false);
    });

    it('caps a range at its limit (exclusive), and * means no limit', () => {
      const limited = withEvents(base, [{ introduced: '1.0' }, { limit: '2.0' }]);
      assert.equal(affects(limited, '1.9.9'), true);
      assert.equal(affects(limited, '2.0'), false);
      assert.equal(affects(limited, '3.0'), false);
      const unlimited = withEvents(base, [{ introduced: '1.0' }, { limit: '*' }]);
      assert.equal(affects(unlimited, '99.0'), true);
    });

    it('handles several introduced/fixed pairs in one range and in several entries (protobuf, urllib3)', () => {
      const protobuf = ghsa('GHSA-8gq9-2x98-w8hf');
      const hits = ['3.18.2', '3.19.4', '3.20.1', '4.21.5'];
      const misses = ['3.18.3', '3.19.5', '3.20.2', '4.21.6', '3.18.9'];
      for (const v of hits) assert.equal(affects(protobuf, v), true, v);
      for (const v of misses) assert.equal(affects(protobuf, v), false, v);
      const urllib3 = ghsa('GHSA-v845-jxx5-vc9f');
      assert.equal(affects(urllib3, '1.26.16'), true);
      assert.equal(affects(urllib3, '1.26.17'), false);
      assert.equal(affects(urllib3, '2.0.5'), true);
      assert.equal(affects(urllib3, '2.0.6'), false);
      const [match] = matchQuery(pypi('urllib3', '1.26.16'), [urllib3]).matches;
      assert.deepEqual(match!.fixedVersions, ['1.26.17']);
    });

    it('orders date-like versions (certifi) as PEP 440 numbers', () => {
      const certifi = ghsa('GHSA-xqr8-7jwr-rhp7');
      assert.equal(affects(certifi, '2015.4.28'), true);
      assert.equal(affects(certifi, '2023.5.7'), true);
      assert.equal(affects(certifi, '2023.07.22'), false);
      assert.equal(affects(certifi, '2014.12.31'), false);
    });
  });

  describe('when events are out of order', () => {
    it('evaluates them in version order, as the OSV algorithm sorts them', () => {
      const base = ghsa('GHSA-5h86-8mv2-jq9f');
      const shuffled = withEvents(base, [{ fixed: '3.9.2' }, { introduced: '1.0.5' }]);
      for (const v of ['1.0.4', '1.0.5', '3.9.1', '3.9.2'])
        assert.equal(affects(shuffled, v), affects(base, v), v);
    });
  });

  describe('when the installed version carries a PEP 440 local label', () => {
    const torch = ghsa('GHSA-pg7h-5qx3-wjr3'); // fixed 2.2.0

    it('matches it as the public version it was built from', () => {
      assert.equal(affects(torch, '2.1.0+cu121'), true);
      assert.equal(affects(torch, '2.2.0+cu121'), false);
      assert.equal(affects(torch, '2.7.1+cu128'), false);
      const atLast = withEvents(torch, [{ introduced: '0' }, { last_affected: '2.7.1' }]);
      assert.equal(affects(atLast, '2.7.1+cu128'), true);
    });
  });

  describe('when a record lists versions explicitly', () => {
    it('matches a listed version even without ranges, comparing as PEP 440 (1.0 == 1.0.0)', () => {
      const record = structuredClone(pypa('aiohttp', 'PYSEC-2023-246'));
      record.affected![0]!.ranges = [];
      const listed = record.affected![0]!.versions![0]!;
      assert.equal(affects(record, listed, 'aiohttp'), true);
      assert.equal(affects(record, `${listed}.0`, 'aiohttp'), listed.split('.').length < 4);
      assert.equal(affects(record, '999.0', 'aiohttp'), false);
    });
  });

  describe('when a record is withdrawn', () => {
    it('never matches and is counted as withdrawn', () => {
      const redis = pypa('redis', 'PYSEC-2023-73');
      const result = matchQuery(pypi('redis', '0.6.0'), [redis]);
      assert.deepEqual(result.matches, []);
      assert.deepEqual(result.withdrawn, ['PYSEC-2023-73']);
    });
  });

  describe('when package names differ in case or separators', () => {
    it('matches PEP 503-normalised names (Pillow, Jinja2, Werkzeug)', () => {
      assert.equal(matchQuery(pypi('pillow', '10.0.0'), [ghsa('GHSA-3f63-hfp8-52jq')]).matches.length, 1);
      assert.equal(matchQuery(pypi('jinja2', '3.1.2'), [ghsa('GHSA-h75v-3vvj-5mfj')]).matches.length, 1);
      assert.equal(matchQuery(pypi('werkzeug', '3.0.0'), [ghsa('GHSA-2g68-c3qc-8985')]).matches.length, 1);
      assert.equal(matchQuery(pypi('requests', '2.31.0'), [ghsa('GHSA-2g68-c3qc-8985')]).matches.length, 0);
    });
  });

  describe('when a range cannot be evaluated', () => {
    it('reports an unknown ecosystem ordering instead of calling the package clean', () => {
      const base = ghsa('GHSA-5h86-8mv2-jq9f');
      const alien = structuredClone(base);
      alien.affected![0]!.package = { ecosystem: 'Hackage', name: 'aeson' };
      const result = matchQuery({ ecosystems: ['Hackage'], name: 'aeson', version: '2.0' }, [alien]);
      assert.deepEqual(result.matches, []);
      assert.equal(result.problems[0]?.code, 'OSV_RANGE_NOT_EVALUABLE');
    });

    it('reports an event version the ordering cannot read', () => {
      const bad = withEvents(ghsa('GHSA-5h86-8mv2-jq9f'), [{ introduced: '0' }, { fixed: 'not a version!' }]);
      const result = matchQuery(pypi('aiohttp', '3.0.0'), [bad]);
      assert.equal(result.problems[0]?.code, 'OSV_RANGE_NOT_EVALUABLE');
      assert.match(result.problems[0]!.message, /not a version!/);
    });

    it('marks an installed version it cannot order as not comparable', () => {
      const result = matchQuery(pypi('aiohttp', 'banana'), [ghsa('GHSA-5h86-8mv2-jq9f')]);
      assert.equal(result.comparable, false);
    });

    it('skips GIT ranges when the record also has ECOSYSTEM ranges, as the PyPA records do', () => {
      const records = pypaPackage('aiohttp');
      const result = matchQuery(pypi('aiohttp', '3.8.5'), records);
      assert.ok(result.matches.length >= 4);
      assert.deepEqual(result.problems, []);
    });
  });

  describe('when the query is a Debian source package', () => {
    it('matches by ecosystem release and dpkg ordering', () => {
      const record: OsvRecord = {
        id: 'DEBIAN-CVE-2024-0001',
        modified: '2024-01-01T00:00:00Z',
        affected: [
          {
            package: { ecosystem: 'Debian:12', name: 'openssl' },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }] }],
          },
        ],
      };
      const q = (version: string, ecosystem = 'Debian:12'): AdvisoryQuery => ({
        ecosystems: [ecosystem, 'Debian'],
        name: 'openssl',
        version,
      });
      assert.equal(matchQuery(q('3.0.11-1~deb12u2'), [record]).matches.length, 1);
      assert.equal(matchQuery(q('3.0.13-1~deb12u1'), [record]).matches.length, 0);
      assert.equal(matchQuery(q('3.0.13-1'), [record]).matches.length, 0);
      assert.equal(matchQuery(q('3.0.11-1~deb12u2', 'Debian:11'), [record]).matches.length, 0);
    });
  });
});
