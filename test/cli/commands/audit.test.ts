import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { openPgliteDb } from '../../../src/store/pglite-db.ts';
import { runCli } from '../../support/run-cli.ts';
import { makePgliteDataDir } from '../../support/test-db.ts';

describe('raygate audit verify', function () {
  this.timeout(120_000);
  let data: string;
  let head: string;

  before(async () => {
    data = await makePgliteDataDir();
    for (const role of ['admin', 'viewer', 'approver']) {
      const run = await runCli(['tokens', 'create', '--role', role, '--data', data]);
      assert.equal(run.code, 0, run.stderr);
    }
    const verified = await runCli(['audit', 'verify', '--format', 'json', '--data', data]);
    assert.equal(verified.code, 0, verified.stderr);
    const result = JSON.parse(verified.stdout) as {
      ok: boolean;
      verified: number;
      head: { seq: number; hash: string };
    };
    assert.deepEqual([result.ok, result.verified], [true, 3]);
    head = `${result.head.seq}:${result.head.hash}`;
  });
  after(() => rm(data, { recursive: true, force: true }));

  it('accepts the anchor it printed', async () => {
    const run = await runCli(['audit', 'verify', '--anchor', head, '--data', data]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });

  it('exits 1 and names the first bad entry after someone edits a row in the database', async () => {
    const db = await openPgliteDb({ dataDir: data });
    try {
      await db.exec(`
        ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
        UPDATE audit_log SET details = jsonb_set(details, '{role}', '"viewer"') WHERE seq = 1;
        ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;`);
    } finally {
      await db.close();
    }
    const run = await runCli(['audit', 'verify', '--data', data]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^FAILED at entry 1: AUDIT_ENTRY_ALTERED: /);
  });

  it('refuses a malformed anchor as a usage error', async () => {
    const run = await runCli(['audit', 'verify', '--anchor', 'head', '--data', data]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /ANCHOR_INVALID/);
  });
});
