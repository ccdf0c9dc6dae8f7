import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { packageIndexProvider } from '../../src/gate/evidence/package-index.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { startPypiServer, type FakePypi } from '../support/pypi-server.ts';
import {
  CLEAN_WHEEL,
  gateEnvironment,
  GATE_POLICIES,
  importGateMirror,
  testSigner,
  wheelArtifact,
} from '../gate/support.ts';
import { call, startTestApi, type TestApi } from './support.ts';

const DAY_MS = 24 * 3600_000;

interface Release {
  state: string;
  verdict: string | null;
  decision: {
    rules: { rule: string; status: string; reasons: { status: string; code: string; message: string }[] }[];
  } | null;
}

/** PyPI's time format: microseconds, `Z`. */
const pypiTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');

describe('gate cooldown over a PyPI index (pglite)', function () {
  this.timeout(120_000);
  const now = new Date();
  const young = now.getTime() - 2 * DAY_MS;
  const old = now.getTime() - 365 * DAY_MS;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let pypi: FakePypi;
  let api: TestApi;
  let token: string;
  let salt = 0;

  before(async () => {
    temp = await makeTempDir('raygate-gate-cooldown-');
    pypi = await startPypiServer([
      {
        name: 'fresh-pkg',
        releases: {
          '0.9.0': [
            {
              filename: 'fresh_pkg-0.9.0.tar.gz',
              bytes: Buffer.from('fresh sdist'),
              uploadTime: pypiTime(old - DAY_MS),
            },
          ],
          // A new release: its wheel two days ago, its sdist added an hour later.
          '1.0.0': [
            {
              filename: 'fresh_pkg-1.0.0-py3-none-any.whl',
              bytes: Buffer.from('fresh wheel'),
              uploadTime: pypiTime(young),
            },
            {
              filename: 'fresh_pkg-1.0.0.tar.gz',
              bytes: Buffer.from('fresh sdist 1'),
              uploadTime: pypiTime(young + 3600_000),
            },
          ],
        },
      },
      {
        name: 'Seasoned_Pkg',
        releases: {
          // An old release that got a new wheel two days ago is still as old as its first file.
          '2.1.0': [
            {
              filename: 'seasoned_pkg-2.1.0.tar.gz',
              bytes: Buffer.from('seasoned sdist'),
              uploadTime: pypiTime(old),
            },
            {
              filename: 'seasoned_pkg-2.1.0-cp313-cp313-manylinux_2_17_x86_64.whl',
              bytes: Buffer.from('late wheel'),
              uploadTime: pypiTime(young),
            },
          ],
        },
      },
    ]);
    const config = loadConfig(
      { RAYGATE_POLICIES: GATE_POLICIES },
      {
        path: 'test-config.yaml',
        text: [
          'gate:',
          '  defaultPolicy: cooldown',
          `  packageIndex: {url: '${pypi.url}', allowedHosts: ['127.0.0.1'], concurrency: 4, timeoutMs: 2000}`,
          '',
        ].join('\n'),
      },
    );
    const mirror = await importGateMirror(temp.dir);
    const index = packageIndexProvider(config.gate.packageIndex, { backoffMs: 1, maxBackoffMs: 1 });
    api = await startTestApi({
      backend: 'pglite',
      env: { RAYGATE_POLICIES: GATE_POLICIES },
      configFile: 'gate:\n  defaultPolicy: cooldown\n',
      gate: { env: gateEnvironment(mirror, temp.dir, () => now, index), signer: await testSigner(temp.dir) },
    });
    api.setNow(now);
    token = (await api.issue('submitter', ['acme'])).token;
  });
  after(async () => {
    await api?.close();
    await pypi?.close();
    await temp?.cleanup();
  });

  const submitLockFile = async (text: string): Promise<Release> => {
    const answer = await call(api.url, 'POST', '/api/v1/releases', {
      token,
      json: {
        project: 'acme',
        version: `3.0.${salt}`,
        artifacts: [wheelArtifact(CLEAN_WHEEL, `cooldown${salt++}`)],
        documents: [
          { role: 'lock-file', name: 'requirements.txt', content: Buffer.from(text).toString('base64') },
        ],
      },
    });
    assert.equal(answer.status, 201, answer.text);
    const until = Date.now() + 30_000;
    for (;;) {
      const release = (await call(api.url, 'GET', `/api/v1/releases/${String(answer.body.id)}`, { token }))
        .body as unknown as Release;
      if (!['pending', 'evaluating'].includes(release.state)) return release;
      if (Date.now() > until) assert.fail(`release stuck: ${release.state}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const cooldown = (release: Release) => release.decision!.rules.find((r) => r.rule === 'cooldown')!;

  describe('when a requirements file pins a release uploaded two days ago and one from a year ago', () => {
    it('fails cooldown naming the young release and its upload time, and passes the old one', async () => {
      const release = await submitLockFile('fresh-pkg==1.0.0\nseasoned-pkg==2.1.0\n');
      assert.deepEqual([release.state, release.verdict], ['rejected', 'deny']);
      const rule = cooldown(release);
      assert.equal(rule.status, 'fail');
      assert.deepEqual(
        rule.reasons.map((r) => [r.status, r.code]),
        [['fail', 'COOLDOWN']],
      );
      const message = rule.reasons[0]!.message;
      assert.match(message, /^pypi\/fresh-pkg@1\.0\.0 was uploaded /);
      assert.ok(
        message.includes(`uploaded ${new Date(young).toISOString()} to ${pypi.url}, 2.0 days before`),
        message,
      );
      assert.match(message, /pinned in requirements\.txt/);
      assert.ok(!JSON.stringify(rule).includes('seasoned'), 'the old release passes');
      assert.ok(pypi.requests.includes('GET /pypi/fresh-pkg/1.0.0/json'));
      assert.ok(pypi.requests.includes('GET /pypi/seasoned-pkg/2.1.0/json'));
    });
  });

  describe('when the lock file installs from a private index', () => {
    it('does not ask the configured index and says why the age is unknown', async () => {
      const asked = pypi.requests.length;
      const release = await submitLockFile(
        '--index-url https://pypi.acme.internal/simple\nacme-secret==1.0.0\n',
      );
      assert.deepEqual(pypi.requests.slice(asked), []);
      const rule = cooldown(release);
      assert.equal(rule.status, 'warn');
      assert.match(
        rule.reasons[0]!.message,
        /acme-secret@1\.0\.0 is unknown \(its lock file installs from https:\/\/pypi\.acme\.internal\/simple/,
      );
    });
  });

  describe('when the index is down', () => {
    it('says the upload time is unknown because the index is unreachable', async () => {
      await pypi.close();
      const release = await submitLockFile('fresh-pkg==1.0.0\n');
      const rule = cooldown(release);
      assert.equal(rule.status, 'warn');
      assert.deepEqual(
        rule.reasons.map((r) => r.code),
        ['COOLDOWN_UNKNOWN'],
      );
      assert.match(
        rule.reasons[0]!.message,
        /^The upload time of pypi\/fresh-pkg@1\.0\.0 is unknown \(http:\/\/127\.0\.0\.1:\d+ is unreachable: /,
      );
    });
  });
});
