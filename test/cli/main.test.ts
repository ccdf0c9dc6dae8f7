import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, runCli } from '../support/run-cli.ts';

describe('raygate CLI', () => {
  it('prints its version from package.json', async () => {
    const { version } = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const run = await runCli(['--version']);
    assert.equal(run.code, 0);
    assert.equal(run.stdout.trim(), version);
  });

  it('documents the exit codes in --help', async () => {
    const run = await runCli(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Exit codes:[\s\S]*2 {2}usage or input error/);
  });

  it('exits 2 on an unknown command, with the reason on stderr and nothing on stdout', async () => {
    const run = await runCli(['no-such-command']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /error/);
  });
});
