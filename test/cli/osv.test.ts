import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ghsa } from '../advisories/records.ts';
import { OsvTestServer } from '../support/osv-server.ts';
import { runCli } from '../support/run-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { writeZip } from '../support/zip-builder.ts';

describe('raygate osv', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let server: OsvTestServer;

  beforeEach(async () => {
    temp = await makeTempDir();
    server = await new OsvTestServer([]).start();
    const zip = path.join(temp.dir, 'pypi.zip');
    await writeZip(
      zip,
      ['GHSA-h3xg-wv58-5p43', 'GHSA-5h86-8mv2-jq9f'].map((id) => ({
        name: `${id}.json`,
        data: JSON.stringify(ghsa(id)),
        method: 'deflate' as const,
      })),
    );
    server.exports.set('PyPI', {
      body: await readFile(zip),
      etag: '"pypi-1"',
      lastModified: 'Wed, 25 Nov 2026 10:00:00 GMT',
    });
  });
  afterEach(async () => {
    await server.stop();
    await temp.cleanup();
  });

  describe('sync', () => {
    it('downloads and imports, then downloads nothing while the export is unchanged', async () => {
      const osvDb = path.join(temp.dir, 'osv');
      const args = ['osv', 'sync', '--osv-db', osvDb, '--osv-export-url', server.url, '--ecosystem', 'PyPI'];
      const first = await runCli(args);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /PyPI: downloaded \d+ bytes[\s\S]*2 added/);
      const second = await runCli([...args, '--format', 'json']);
      assert.equal(second.code, 0, second.stderr);
      const report = JSON.parse(second.stdout) as { downloads: { status: string }[]; import: unknown };
      assert.deepEqual(
        report.downloads.map((d) => d.status),
        ['not-modified'],
      );
      assert.equal(report.import, null);
      assert.equal(server.log[1]!.headers['if-none-match'], '"pypi-1"');
      assert.deepEqual(await readdir(path.join(osvDb, 'generations')), ['g000001']);
      const scan = await runCli(['scan', '--osv-db', osvDb, 'pkg:pypi/ray@2.6.3', '--fail-on', 'critical']);
      assert.equal(scan.code, 1);
    });

    it('keeps the previous mirror when a download fails', async () => {
      const osvDb = path.join(temp.dir, 'osv');
      const args = ['osv', 'sync', '--osv-db', osvDb, '--osv-export-url', server.url, '--ecosystem', 'PyPI'];
      assert.equal((await runCli(args)).code, 0);
      server.exports.set('PyPI', { ...server.exports.get('PyPI')!, etag: '"pypi-2"' });
      server.faults.push({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
      const failed = await runCli(args);
      assert.equal(failed.code, 3);
      assert.match(failed.stderr, /OSV_UNAVAILABLE/);
      const status = await runCli(['osv', 'status', '--osv-db', osvDb, '--format', 'json']);
      assert.equal(
        (JSON.parse(status.stdout) as { manifest: { generation: string } }).manifest.generation,
        'g000001',
      );
    });
  });

  describe('import', () => {
    it('reports skipped entries on stderr and still imports the rest', async () => {
      const zip = path.join(temp.dir, 'mixed.zip');
      await writeZip(zip, [
        { name: 'GOOD.json', data: JSON.stringify(ghsa('GHSA-h3xg-wv58-5p43')) },
        { name: '../escape.json', data: '{}' },
        { name: 'BAD.json', data: '{"id": "X"}' },
      ]);
      const run = await runCli(['osv', 'import', '--osv-db', path.join(temp.dir, 'osv'), zip]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /1 added[\s\S]*2 skipped/);
      assert.match(run.stderr, /skipped \.\.\/escape\.json: OSV_EXPORT_ENTRY_UNSAFE/);
      assert.match(run.stderr, /skipped BAD\.json: OSV_RECORD_INVALID/);
    });
  });
});
