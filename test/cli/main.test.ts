import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, runCli } from '../support/run-cli.ts';

describe('raygate CLI', () => {
  it('exits quietly when its reader closes the pipe early (raygate … --help | head)', async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/raygate.js'), 'sbom', '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'close')) as [number];
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

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

describe('writeOutput', () => {
  it('writes into a FIFO instead of renaming a file over it', async () => {
    const { execFileSync } = await import('node:child_process');
    const { lstat, mkdtemp, readFile: read, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const { writeOutput } = await import('../../src/cli/output.ts');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'raygate-fifo-'));
    try {
      const fifo = path.join(dir, 'pipe');
      execFileSync('mkfifo', [fifo]);
      const reading = read(fifo, 'utf8');
      await writeOutput('through the pipe\n', fifo);
      assert.equal(await reading, 'through the pipe\n');
      assert.ok((await lstat(fifo)).isFIFO(), 'the FIFO was replaced by a regular file');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
