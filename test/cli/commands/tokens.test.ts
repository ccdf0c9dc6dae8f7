import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { runCli } from '../../support/run-cli.ts';
import { makePgliteDataDir } from '../../support/test-db.ts';

describe('raygate tokens', function () {
  this.timeout(120_000);
  let data: string;

  before(async () => {
    data = await makePgliteDataDir();
  });
  after(() => rm(data, { recursive: true, force: true }));

  it('creates a token, printing only the secret on stdout and the details on stderr', async () => {
    const run = await runCli([
      'tokens',
      'create',
      '--role',
      'admin',
      '--name',
      'first-admin',
      '--data',
      data,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^rg_[A-Za-z0-9_-]{43}\n$/);
    assert.match(run.stderr, /created admin token tok_\S+ for every project, expiring \d{4}-/);
  });

  it('creates scoped, expiring tokens as JSON, lists them without secrets, and revokes one', async () => {
    const created = await runCli([
      'tokens',
      'create',
      '--role',
      'submitter',
      '--project',
      'ray-images',
      'ray-wheels',
      '--expires',
      '30d',
      '--format',
      'json',
      '--data',
      data,
    ]);
    assert.equal(created.code, 0, created.stderr);
    const token = JSON.parse(created.stdout) as {
      id: string;
      token: string;
      projects: string[];
      expiresAt: string;
    };
    assert.deepEqual(token.projects, ['ray-images', 'ray-wheels']);
    const days = (Date.parse(token.expiresAt) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `${days} days`);

    const listed = await runCli(['tokens', 'list', '--format', 'json', '--data', data]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(!listed.stdout.includes(token.token), 'no secret in the list');
    const ids = (JSON.parse(listed.stdout) as { tokens: { id: string }[] }).tokens.map((t) => t.id);
    assert.ok(ids.includes(token.id));

    const revoked = await runCli(['tokens', 'revoke', token.id, '--data', data]);
    assert.equal(revoked.code, 0, revoked.stderr);
    const table = await runCli(['tokens', 'list', '--data', data]);
    assert.match(
      table.stdout,
      new RegExp(`${token.id}\\s+\\S+\\s+submitter\\s+ray-images, ray-wheels\\s+revoked`),
    );
    const again = await runCli(['tokens', 'revoke', token.id, '--data', data]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /TOKEN_ALREADY_REVOKED/);
  });

  it('refuses a bad role or lifetime with a usage error', async () => {
    const role = await runCli(['tokens', 'create', '--role', 'root', '--data', data]);
    assert.equal(role.code, 2);
    const expiry = await runCli([
      'tokens',
      'create',
      '--role',
      'viewer',
      '--expires',
      'forever',
      '--data',
      data,
    ]);
    assert.equal(expiry.code, 2);
    assert.match(expiry.stderr, /TOKEN_EXPIRY_INVALID/);
  });

  it('verifies the audit log its changes wrote', async () => {
    const run = await runCli(['audit', 'verify', '--data', data]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^ok: 3 entries verify; head 3:[0-9a-f]{64}\n$/);
  });
});
