import assert from 'node:assert/strict';
import {
  compareSnapshots,
  digestSchemaErrors,
  isEmptyDigest,
  headline,
  type Digest,
} from '../../../src/advisories/digest/index.ts';
import type { OsvRecord } from '../../../src/advisories/osv.ts';
import { ghsa, pypa } from '../records.ts';
import { observe, type TestRelease } from './support.ts';

const IMAGE_DIGEST = `sha256:${'ab'.repeat(32)}`;
const RELEASES: TestRelease[] = [
  {
    key: 'rel_images_2_58',
    label: 'ray-images 2.58.0',
    artifact: {
      name: 'ray-ml',
      kind: 'image',
      digest: IMAGE_DIGEST,
      reference: `ghcr.io/acme/ray-ml@${IMAGE_DIGEST}`,
    },
    purls: ['pkg:pypi/urllib3@2.2.1', 'pkg:pypi/requests@2.31.0', 'pkg:pypi/aiohttp@3.9.1'],
  },
  {
    key: 'rel_wheels_1_4',
    label: 'acme-serve 1.4.0',
    artifact: { name: 'acme_serve-1.4.0-py3-none-any.whl', kind: 'wheel' },
    purls: ['pkg:pypi/urllib3@2.2.1'],
  },
];

const URLLIB3_PROXY_AUTH = ghsa('GHSA-34jh-p97f-mpxf'); // CVE-2024-37891, published 2024-06-17, fixed in 2.2.2
const REQUESTS_VERIFY = ghsa('GHSA-9wx4-h78v-vm56'); // CVE-2024-35195, fixed in 2.32.2
const AIOHTTP_TRAVERSAL = ghsa('GHSA-5h86-8mv2-jq9f'); // CVE-2024-23334, fixed in 3.9.2
const AIOHTTP_TRAVERSAL_PYSEC = pypa('aiohttp', 'PYSEC-2024-24');

const T1 = '2024-06-01T00:00:00Z';
const T2 = '2024-06-20T00:00:00Z';
const T3 = '2024-06-21T00:00:00Z';

async function digestBetween(
  before: readonly OsvRecord[] | undefined,
  after: readonly OsvRecord[],
  releasesBefore = RELEASES,
  releasesAfter = RELEASES,
): Promise<Digest> {
  const previous = before ? (await observe(releasesBefore, before, T1)).snapshot : undefined;
  const current = await observe(releasesAfter, after, T2);
  return compareSnapshots(previous, current.snapshot, {
    generatedAt: new Date(T2),
    withdrawn: current.withdrawn,
  });
}

function withoutFix(record: OsvRecord): OsvRecord {
  const copy = structuredClone(record);
  for (const a of copy.affected ?? [])
    for (const r of a.ranges ?? []) r.events = r.events.filter((e) => !('fixed' in e));
  return copy;
}

function withoutSeverity(record: OsvRecord): OsvRecord {
  const copy = structuredClone(record);
  delete copy.severity;
  if (copy.database_specific) delete copy.database_specific.severity;
  for (const a of copy.affected ?? []) delete a.severity;
  return copy;
}

describe('compareSnapshots', () => {
  describe('when there is no previous snapshot', () => {
    it('is the baseline: the releases are listed with their known findings, none reported as new', async () => {
      const digest = await digestBetween(undefined, [REQUESTS_VERIFY, AIOHTTP_TRAVERSAL]);
      assert.equal(digest.baseline, true);
      assert.deepEqual(digest.entries, []);
      assert.deepEqual(
        digest.releases.added.map((r) => [r.label, r.findings]),
        [
          ['acme-serve 1.4.0', 0],
          ['ray-images 2.58.0', 2],
        ],
      );
      assert.equal(isEmptyDigest(digest), false);
      assert.match(headline(digest), /^First digest: watching 2 shipped releases with 2 known findings$/);
    });
  });

  describe('when nothing changed since the previous snapshot', () => {
    it('says nothing new, is empty, and gives the same id and bytes every time', async () => {
      const records = [REQUESTS_VERIFY, AIOHTTP_TRAVERSAL, URLLIB3_PROXY_AUTH];
      const a = await digestBetween(records, records);
      const b = await digestBetween(records, records);
      assert.equal(a.summary.nothingNew, true);
      assert.equal(isEmptyDigest(a), true);
      assert.equal(headline(a), 'Nothing new for 2 shipped releases');
      assert.equal(JSON.stringify(a), JSON.stringify(b));
      assert.match(a.id, /^sha256:[0-9a-f]{64}$/);
    });
  });

  describe('when an advisory was published since the previous snapshot', () => {
    it('is one new entry listing every release, artifact and package it affects, with the fix', async () => {
      const digest = await digestBetween([REQUESTS_VERIFY], [REQUESTS_VERIFY, URLLIB3_PROXY_AUTH]);
      assert.equal(digest.summary.new, 1);
      assert.equal(digest.summary.releasesAffected, 2);
      const [entry] = digest.entries;
      assert.equal(entry!.id, 'CVE-2024-37891');
      assert.deepEqual(entry!.advisories, ['GHSA-34jh-p97f-mpxf']);
      assert.deepEqual(entry!.reasons, ['published']);
      assert.equal(entry!.severity, 'medium');
      assert.deepEqual(
        entry!.affects.map((a) => [
          a.release.label,
          a.artifact.name,
          a.package.name,
          a.package.version,
          a.fixedIn,
        ]),
        [
          ['acme-serve 1.4.0', 'acme_serve-1.4.0-py3-none-any.whl', 'urllib3', '2.2.1', '2.2.2'],
          ['ray-images 2.58.0', 'ray-ml', 'urllib3', '2.2.1', '2.2.2'],
        ],
      );
      assert.equal(headline(digest), '1 new advisory affects 2 shipped releases');
      assert.deepEqual(digestSchemaErrors(JSON.parse(JSON.stringify(digest))), []);
    });

    it('calls an older advisory that only now matches "matched", not "published"', async () => {
      const previous = (await observe(RELEASES, [], '2024-07-01T00:00:00Z')).snapshot;
      const current = await observe(RELEASES, [URLLIB3_PROXY_AUTH], T3);
      const digest = compareSnapshots(previous, current.snapshot, { generatedAt: new Date(T3) });
      assert.deepEqual(digest.entries[0]!.reasons, ['matched']);
    });
  });

  describe('when a record gains an alias (its display id becomes the CVE)', () => {
    it('is the same finding: nothing is reported new or resolved', async () => {
      const bare = structuredClone(AIOHTTP_TRAVERSAL);
      delete bare.aliases;
      const digest = await digestBetween([bare], [AIOHTTP_TRAVERSAL]);
      assert.deepEqual(digest.entries, []);
      assert.equal(digest.summary.nothingNew, true);
    });
  });

  describe('when a twin record of a known vulnerability rates it higher', () => {
    it('is one changed entry (severity raised), not a new one', async () => {
      const digest = await digestBetween([AIOHTTP_TRAVERSAL], [AIOHTTP_TRAVERSAL, AIOHTTP_TRAVERSAL_PYSEC]);
      assert.deepEqual(
        digest.entries.map((e) => [e.status, e.id, e.reasons, e.affects[0]!.previous?.severity, e.severity]),
        [['changed', 'CVE-2024-23334', ['severity-raised'], 'medium', 'high']],
      );
    });
  });

  describe('when GHSA and PYSEC records of one vulnerability appear together', () => {
    it('is one entry with both ids', async () => {
      const digest = await digestBetween([], [AIOHTTP_TRAVERSAL, AIOHTTP_TRAVERSAL_PYSEC]);
      assert.equal(digest.entries.length, 1);
      assert.equal(digest.entries[0]!.id, 'CVE-2024-23334');
      assert.deepEqual(digest.entries[0]!.advisories, ['GHSA-5h86-8mv2-jq9f', 'PYSEC-2024-24']);
    });
  });

  describe('when an advisory was withdrawn or no longer matches', () => {
    it('reports it resolved, saying which', async () => {
      const withdrawn = { ...structuredClone(REQUESTS_VERIFY), withdrawn: '2024-06-18T00:00:00Z' };
      const digest = await digestBetween([REQUESTS_VERIFY, AIOHTTP_TRAVERSAL], [withdrawn]);
      assert.deepEqual(
        digest.entries.map((e) => [e.status, e.id, e.reasons]),
        [
          ['resolved', 'CVE-2024-23334', ['not-affected']],
          ['resolved', 'CVE-2024-35195', ['withdrawn']],
        ],
      );
      assert.equal(digest.summary.resolved, 2);
      assert.equal(digest.summary.releasesAffected, 0);
    });
  });

  describe('when a severity appears or a fix is published', () => {
    it('reports the entry changed with the previous values', async () => {
      const digest = await digestBetween(
        [withoutFix(withoutSeverity(URLLIB3_PROXY_AUTH))],
        [URLLIB3_PROXY_AUTH],
      );
      assert.equal(digest.summary.changed, 1);
      const [entry] = digest.entries;
      assert.equal(entry!.status, 'changed');
      assert.deepEqual(entry!.reasons, ['severity-raised', 'fix-available']);
      assert.deepEqual(entry!.affects[0]!.previous, { severity: 'unknown' });
      assert.equal(entry!.affects[0]!.fixedIn, '2.2.2');
    });
  });

  describe('when releases come and go', () => {
    it('lists them without reporting their findings one by one', async () => {
      const digest = await digestBetween(
        [URLLIB3_PROXY_AUTH],
        [URLLIB3_PROXY_AUTH],
        RELEASES.slice(0, 1),
        RELEASES.slice(1),
      );
      assert.deepEqual(digest.entries, []);
      assert.deepEqual(
        [digest.releases.added.map((r) => r.label), digest.releases.removed.map((r) => r.label)],
        [['acme-serve 1.4.0'], ['ray-images 2.58.0']],
      );
      assert.equal(isEmptyDigest(digest), false);
    });
  });

  describe('when several kinds of change happen at once', () => {
    it('orders entries new → changed → resolved, most severe first', async () => {
      const digest = await digestBetween(
        [AIOHTTP_TRAVERSAL, withoutFix(REQUESTS_VERIFY)],
        [REQUESTS_VERIFY, URLLIB3_PROXY_AUTH],
      );
      assert.deepEqual(
        digest.entries.map((e) => `${e.status} ${e.id}`),
        ['new CVE-2024-37891', 'changed CVE-2024-35195', 'resolved CVE-2024-23334'],
      );
    });
  });
});
