import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { digestSchemaErrors, type Digest, type DigestSnapshot } from '../../src/advisories/digest/index.ts';
import { verifyWebhook, WEBHOOK_HEADERS } from '../../src/jobs/notify/webhook-signature.ts';
import { ghsa } from '../advisories/records.ts';
import { githubIssues, reply, startReceiver, type Receiver } from '../jobs/notify/receivers.ts';
import { runCli } from '../support/run-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const SECRET = 'cli-webhook-secret';

describe('raygate digest', function () {
  this.timeout(120_000);
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let osvDb: string;
  let records: string;
  let sbom: string;
  let state: string;
  let receiver: Receiver | undefined;

  const importRecords = async (...ids: string[]) => {
    for (const id of ids) {
      const record = ghsa(id);
      await writeFile(path.join(records, `${id}.json`), JSON.stringify(record));
    }
    const run = await runCli(['osv', 'import', '--osv-db', osvDb, records]);
    assert.equal(run.code, 0, run.stderr);
  };
  const digest = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(['digest', '--osv-db', osvDb, ...args], { cwd: temp.dir, env });

  before(async () => {
    temp = await makeTempDir();
    osvDb = path.join(temp.dir, 'osv');
    records = path.join(temp.dir, 'records');
    await mkdir(records);
    const requirements = path.join(temp.dir, 'requirements.txt');
    await writeFile(requirements, 'urllib3==2.2.1\nrequests==2.31.0\naiohttp==3.9.1\n');
    sbom = path.join(temp.dir, 'release.cdx.json');
    const made = await runCli(['sbom', requirements, '--output', sbom]);
    assert.equal(made.code, 0, made.stderr);
    state = path.join(temp.dir, 'state.json');
    await importRecords('GHSA-9wx4-h78v-vm56', 'GHSA-5h86-8mv2-jq9f');
  });
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });
  after(() => temp.cleanup());

  it('first run: prints the baseline and writes the snapshot', async () => {
    const run = await digest([sbom, '--snapshot-out', state]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /First digest: watching 1 shipped release with 2 known findings/);
    const snapshot = JSON.parse(await readFile(state, 'utf8')) as DigestSnapshot;
    assert.equal(snapshot.releases.length, 1);
    assert.deepEqual(snapshot.releases[0]!.artifacts[0]!.findings.map((f) => f.id).sort(), [
      'CVE-2024-23334',
      'CVE-2024-35195',
    ]);
  });

  it('nothing new: says so, delivers nothing without --send-empty, exits 0', async () => {
    receiver = await startReceiver((_, res) => reply(res, 200, ''));
    const run = await digest([
      sbom,
      '--previous',
      state,
      '--webhook',
      `${receiver.url}/hook`,
      '--allow-private-host',
      '127.0.0.1',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Nothing new for 1 shipped release/);
    assert.match(run.stderr, /nothing new; nothing delivered/);
    assert.equal(receiver.requests.length, 0);
  });

  it('a new advisory: printed, delivered signed, exit 1 with --fail-on; a failed delivery keeps the old snapshot', async () => {
    await importRecords('GHSA-34jh-p97f-mpxf');
    const before = await readFile(state, 'utf8');
    receiver = await startReceiver((_, res) => reply(res, 503, 'down'));
    const failed = await digest(
      [
        sbom,
        '--since',
        state,
        '--snapshot-out',
        state,
        '--webhook',
        `${receiver.url}/hook`,
        '--allow-private-host',
        '127.0.0.1',
      ],
      { RAYGATE_WEBHOOK_SECRET: SECRET },
    );
    assert.equal(failed.code, 3, failed.stderr);
    assert.match(failed.stderr, /NOTIFY_UNAVAILABLE/);
    assert.match(failed.stderr, /snapshot was not updated/);
    assert.equal(await readFile(state, 'utf8'), before);
    await receiver.close();

    receiver = await startReceiver((_, res) => reply(res, 204, ''));
    const run = await digest(
      [
        sbom,
        '--previous',
        state,
        '--snapshot-out',
        state,
        '-f',
        'json',
        '--fail-on',
        'medium',
        '--webhook',
        `${receiver.url}/hook`,
        '--allow-private-host',
        '127.0.0.1',
      ],
      { RAYGATE_WEBHOOK_SECRET: SECRET },
    );
    assert.equal(run.code, 1, run.stderr);
    const printed = JSON.parse(run.stdout) as Digest;
    assert.deepEqual(digestSchemaErrors(printed), []);
    assert.deepEqual(
      printed.entries.map((e) => [e.status, e.id, e.affects[0]!.fixedIn]),
      [['new', 'CVE-2024-37891', '2.2.2']],
    );
    const [request] = receiver.requests;
    assert.equal(
      verifyWebhook({
        secret: SECRET,
        body: request!.body,
        timestamp: request!.headers[WEBHOOK_HEADERS.timestamp] as string,
        signature: request!.headers[WEBHOOK_HEADERS.signature] as string,
        now: new Date(),
      }),
      'valid',
    );
    assert.equal(request!.headers[WEBHOOK_HEADERS.delivery], `raygate-digest:${printed.id}:webhook`);
    assert.notEqual(await readFile(state, 'utf8'), before);

    const again = await digest([sbom, '--previous', state]);
    assert.match(again.stdout, /Nothing new/, 'reported once');
  });

  it('a withdrawn advisory is resolved; the GitHub issue is opened once however often the run is repeated', async () => {
    const withdrawn = {
      ...ghsa('GHSA-9wx4-h78v-vm56'),
      modified: '2026-01-01T00:00:00Z',
      withdrawn: '2026-01-01T00:00:00Z',
    };
    await writeFile(path.join(records, 'GHSA-9wx4-h78v-vm56.json'), JSON.stringify(withdrawn));
    assert.equal((await runCli(['osv', 'import', '--osv-db', osvDb, records])).code, 0);
    const github = githubIssues({ token: 'ghp_cli', prefix: '/api/v3' });
    receiver = await startReceiver(github.handler);
    const args = [
      sbom,
      '--previous',
      state,
      '--github-repo',
      'acme/ray-images',
      '--github-api-url',
      `${receiver.url}/api/v3`,
      '--github-label',
      'security',
      '--allow-private-host',
      '127.0.0.1',
    ];
    for (let i = 0; i < 2; i++) {
      const run = await digest(args, { GITHUB_TOKEN: 'ghp_cli' });
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        run.stdout,
        /### Resolved \(1\)\n\n- \*\*MEDIUM [0-9.]+\*\* \[CVE-2024-35195\].* — advisory withdrawn/,
      );
      assert.match(run.stderr, i === 0 ? /delivered to github:acme\/ray-images/ : /already delivered/);
    }
    assert.equal(github.issues.length, 1);
    assert.deepEqual(github.issues[0]!.labels, ['raygate-digest', 'security']);
  });

  it('refuses destinations on private addresses unless allowed, before doing any work (exit 2)', async () => {
    receiver = await startReceiver((_, res) => reply(res, 200, ''));
    const run = await digest([sbom, '--previous', state, '--slack-webhook', `${receiver.url}/services/x`]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /NOTIFY_HOST_DENIED/);
    assert.equal(receiver.requests.length, 0);
    const missing = await digest([sbom, '--github-repo', 'acme/x'], { GITHUB_TOKEN: '' });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /NOTIFY_SECRET_MISSING: The environment variable GITHUB_TOKEN/);
  });

  it('reads raygate scan JSON reports as already assessed releases, and refuses a broken snapshot', async () => {
    const report = path.join(temp.dir, 'scan.json');
    const scanned = await runCli(['scan', '--osv-db', osvDb, sbom, '-f', 'json', '-o', report]);
    assert.equal(scanned.code, 0, scanned.stderr);
    const run = await runCli(['digest', report, '-f', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout) as Digest;
    assert.equal(printed.baseline, true);
    assert.equal(printed.releases.added[0]!.findings, 2);
    const broken = path.join(temp.dir, 'broken.json');
    await writeFile(broken, JSON.stringify({ schema: 'something else', releases: [] }));
    const refused = await digest([sbom, '--previous', broken]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /DIGEST_SNAPSHOT_INVALID/);
  });
});
