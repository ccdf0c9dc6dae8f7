import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config.ts';
import { collectLockFileEvidence } from '../../src/gate/evidence/collect-lock-files.ts';
import { packageIndexProvider } from '../../src/gate/evidence/package-index.ts';
import { earliestUpload, isSameIndex, type PackageIndex } from '../../src/gate/evidence/upload-times.ts';
import type { DependencyEvidence } from '../../src/policy/evidence.ts';
import { startPypiServer, type FakePypi } from '../support/pypi-server.ts';

const lockFile = (name: string, text: string) => ({
  name,
  digest: `sha256:${'0'.repeat(64)}`,
  bytes: new TextEncoder().encode(text),
});

/** An index answering from a table, recording what it was asked and how many lookups ran at once. */
function tableIndex(times: Record<string, string[]>, concurrency = 8) {
  const asked: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const index: PackageIndex = {
    url: 'https://pypi.org',
    concurrency,
    async releaseFiles(project, version) {
      asked.push(`${project}==${version}`);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const files = times[`${project}==${version}`];
      return files?.map((uploadTime) => ({ uploadTime }));
    },
  };
  return { index, asked, peak: () => peak };
}

const byName = (deps: DependencyEvidence[]) => Object.fromEntries(deps.map((d) => [d.name, d]));

describe('upload times of pinned releases', () => {
  describe('when a release has several files', () => {
    it('is as old as its earliest file, ignoring files without a readable time', () => {
      assert.equal(
        earliestUpload([
          { uploadTime: '2025-03-01T10:00:00.000000Z' },
          { uploadTime: '2024-01-05T08:30:00.123456Z' },
          { uploadTime: 'yesterday' },
          {},
        ]),
        '2024-01-05T08:30:00.123Z',
      );
      assert.equal(earliestUpload([{}, { uploadTime: 'not a time' }]), undefined);
      assert.equal(earliestUpload([]), undefined);
    });
  });

  describe('when an index URL is compared with the configured index', () => {
    it('treats the simple API and trailing slashes as the same index, any other host or path as another', () => {
      assert.equal(isSameIndex('https://pypi.org/simple/', 'https://pypi.org'), true);
      assert.equal(isSameIndex('https://pypi.org/simple', 'https://pypi.org/'), true);
      assert.equal(isSameIndex('https://pypi.internal/simple', 'https://pypi.org'), false);
      assert.equal(isSameIndex('https://pypi.org/other/simple', 'https://pypi.org'), false);
      assert.equal(isSameIndex('http://pypi.org/simple', 'https://pypi.org'), false);
      assert.equal(isSameIndex('./wheels', 'https://pypi.org'), false);
      assert.equal(isSameIndex('--no-index', 'https://pypi.org'), false);
    });
  });

  describe('when lock files pin releases the index knows', () => {
    it('asks once per release and records the earliest upload time and the index', async () => {
      const { index, asked } = tableIndex({
        'requests==2.32.3': ['2024-05-29T15:37:47.000000Z', '2024-05-29T15:37:49.000000Z'],
        'urllib3==2.2.2': ['2024-06-17T13:40:10.000000Z'],
      });
      const part = await collectLockFileEvidence(
        [
          lockFile('requirements.txt', 'requests==2.32.3\nurllib3==2.2.2\nidna>=3\n'),
          lockFile('dev.txt', '--index-url https://pypi.org/simple/\nrequests==2.32.3\n'),
        ],
        index,
      );
      assert.deepEqual(asked.sort(), ['requests==2.32.3', 'urllib3==2.2.2']);
      const deps = byName(part.dependencies);
      assert.deepEqual(Object.keys(deps).sort(), ['requests', 'urllib3']);
      assert.equal(deps.requests!.uploadedAt, '2024-05-29T15:37:47.000Z');
      assert.equal(deps.requests!.index, 'https://pypi.org');
      assert.deepEqual(deps.requests!.lockFiles, ['dev.txt', 'requirements.txt']);
      assert.equal(deps.requests!.unknownReason, undefined);
      assert.equal(deps.urllib3!.uploadedAt, '2024-06-17T13:40:10.000Z');
    });

    it('runs at most the configured number of lookups at once', async () => {
      const pins = Array.from({ length: 12 }, (_, i) => `pkg${i}==1.0.${i}`);
      const { index, asked, peak } = tableIndex({}, 3);
      await collectLockFileEvidence([lockFile('requirements.txt', pins.join('\n'))], index);
      assert.equal(asked.length, 12);
      assert.equal(peak(), 3);
    });
  });

  describe('when a release cannot be looked up', () => {
    it('says it is not on the index, or that the index lists no upload time', async () => {
      const { index } = tableIndex({ 'timeless==2.0': [] });
      const part = await collectLockFileEvidence(
        [lockFile('requirements.txt', 'missing==0.1\ntimeless==2.0\n')],
        index,
      );
      const deps = byName(part.dependencies);
      assert.equal(deps.missing!.uploadedAt, undefined);
      assert.equal(deps.missing!.unknownReason, 'not found on https://pypi.org');
      assert.equal(
        deps.timeless!.unknownReason,
        'https://pypi.org lists no file of this release with an upload time',
      );
    });

    it('says lookups are disabled when there is no index', async () => {
      const part = await collectLockFileEvidence([lockFile('requirements.txt', 'requests==2.32.3\n')]);
      assert.match(part.dependencies[0]!.unknownReason!, /lookups are disabled/);
    });
  });

  describe('when a lock file names another index', () => {
    it('never asks the configured index about its pins, and says why', async () => {
      const { index, asked } = tableIndex({ 'requests==2.32.3': ['2024-05-29T15:37:47Z'] });
      const part = await collectLockFileEvidence(
        [
          lockFile(
            'internal.txt',
            '--index-url https://pypi.acme.internal/simple\nacme-secret-sauce==3.1.0\n',
          ),
          lockFile('extra.txt', '--extra-index-url https://pypi.acme.internal/simple\nacme-udf==1.0\n'),
          lockFile('local.txt', '--no-index\n--find-links ./wheels\nacme-local==0.3\n'),
          lockFile('requirements.txt', 'requests==2.32.3\n'),
        ],
        index,
      );
      assert.deepEqual(asked, ['requests==2.32.3']);
      const deps = byName(part.dependencies);
      assert.match(
        deps['acme-secret-sauce']!.unknownReason!,
        /installs from https:\/\/pypi\.acme\.internal\/simple; https:\/\/pypi\.org is not asked/,
      );
      assert.match(deps['acme-udf']!.unknownReason!, /pypi\.acme\.internal/);
      assert.match(deps['acme-local']!.unknownReason!, /--no-index/);
      assert.equal(deps.requests!.uploadedAt, '2024-05-29T15:37:47.000Z');
    });

    it('asks a uv.lock whose packages come from the configured index', async () => {
      const { index, asked } = tableIndex({ 'idna==3.7': ['2024-04-11T03:34:44Z'] });
      const uvLock = [
        'version = 1',
        'requires-python = ">=3.11"',
        '',
        '[[package]]',
        'name = "idna"',
        'version = "3.7"',
        'source = { registry = "https://pypi.org/simple" }',
        'sdist = { url = "https://files.pythonhosted.org/packages/idna-3.7.tar.gz", hash = "sha256:028ff3aadf0609c1fd278d8ea3089299412a7a8b9bd005dd08b9f8285bcb5cfc", size = 189575 }',
        '',
      ].join('\n');
      const part = await collectLockFileEvidence([lockFile('uv.lock', uvLock)], index);
      assert.deepEqual(asked, ['idna==3.7']);
      assert.equal(part.dependencies[0]?.uploadedAt, '2024-04-11T03:34:44.000Z');
    });
  });

  describe('when the index is PyPI JSON API over HTTP', () => {
    let pypi: FakePypi;
    before(async () => {
      pypi = await startPypiServer(
        ['alpha', 'beta', 'gamma'].map((name) => ({
          name,
          releases: {
            '1.0': [
              {
                filename: `${name}-1.0-py3-none-any.whl`,
                bytes: Buffer.from(name),
                uploadTime: '2025-02-01T00:00:00.000000Z',
              },
              {
                filename: `${name}-1.0.tar.gz`,
                bytes: Buffer.from(`${name}-sdist`),
                uploadTime: '2025-01-01T00:00:00.000000Z',
              },
            ],
          },
        })),
      );
    });
    after(() => pypi.close());

    const indexConfig = (url: string, extra: string) =>
      loadConfig(
        {},
        {
          path: 'test.yaml',
          text: `gate:\n  packageIndex: {url: '${url}', allowedHosts: ['127.0.0.1'], ${extra}}\n`,
        },
      ).gate.packageIndex;

    it('reads the earliest file of each release', async () => {
      const index = packageIndexProvider(indexConfig(pypi.url, 'concurrency: 2'))();
      const part = await collectLockFileEvidence(
        [lockFile('requirements.txt', 'alpha==1.0\nbeta==1.0\n')],
        index,
      );
      assert.deepEqual(
        part.dependencies.map((d) => [d.name, d.uploadedAt, d.index]),
        [
          ['alpha', '2025-01-01T00:00:00.000Z', pypi.url],
          ['beta', '2025-01-01T00:00:00.000Z', pypi.url],
        ],
      );
    });

    it('stops at the request budget of one collection and says so for the rest', async () => {
      const provider = packageIndexProvider(indexConfig(pypi.url, 'concurrency: 1, maxRequests: 2'));
      const text = 'alpha==1.0\nbeta==1.0\ngamma==1.0\n';
      const first = await collectLockFileEvidence([lockFile('requirements.txt', text)], provider());
      assert.deepEqual(
        first.dependencies.map((d) => d.uploadedAt ?? d.unknownReason),
        [
          '2025-01-01T00:00:00.000Z',
          '2025-01-01T00:00:00.000Z',
          `the request budget for ${pypi.url} in this collection is used up`,
        ],
      );
      // The next collection has a budget of its own.
      const second = await collectLockFileEvidence(
        [lockFile('requirements.txt', 'gamma==1.0\n')],
        provider(),
      );
      assert.equal(second.dependencies[0]!.uploadedAt, '2025-01-01T00:00:00.000Z');
    });

    it('says the index is unreachable when nothing listens there', async () => {
      const closed = http.createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await new Promise<void>((r) => closed.close(() => r()));
      const index = packageIndexProvider(indexConfig(url, 'timeoutMs: 2000'), {
        backoffMs: 1,
        maxBackoffMs: 1,
      })();
      const part = await collectLockFileEvidence([lockFile('requirements.txt', 'alpha==1.0\n')], index);
      assert.match(part.dependencies[0]!.unknownReason!, /^http:\/\/127\.0\.0\.1:\d+ is unreachable: /);
    });
  });
});
