import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { exportUrl, OsvExportClient } from '../../src/advisories/osv-export-client.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { OsvTestServer } from '../support/osv-server.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { writeZip } from '../support/zip-builder.ts';
import { ghsa } from './records.ts';

describe('OsvExportClient', () => {
  let server: OsvTestServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let zip: Buffer;

  beforeEach(async () => {
    temp = await makeTempDir();
    const file = path.join(temp.dir, 'src.zip');
    await writeZip(file, [
      { name: 'GHSA-h3xg-wv58-5p43.json', data: JSON.stringify(ghsa('GHSA-h3xg-wv58-5p43')) },
    ]);
    zip = await readFile(file);
    server = await new OsvTestServer([]).start();
    server.exports.set('PyPI', { body: zip, etag: '"v1"', lastModified: 'Wed, 25 Nov 2026 10:00:00 GMT' });
  });
  afterEach(async () => {
    await server.stop();
    await temp.cleanup();
  });

  it('names exports the way the OSV bucket does', () => {
    assert.equal(
      exportUrl('https://osv-vulnerabilities.storage.googleapis.com', 'PyPI'),
      'https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip',
    );
    assert.equal(
      exportUrl('http://127.0.0.1:1/base/', 'Ubuntu:22.04:LTS'),
      'http://127.0.0.1:1/base/Ubuntu%3A22.04%3ALTS/all.zip',
    );
  });

  describe('when nothing was downloaded before', () => {
    it('downloads the export and keeps its validators', async () => {
      const result = await new OsvExportClient({ baseUrl: server.url }).download(
        'PyPI',
        undefined,
        path.join(temp.dir, 'dl'),
      );
      assert.equal(result.status, 'downloaded');
      if (result.status !== 'downloaded') return;
      assert.deepEqual(await readFile(result.file), zip);
      assert.deepEqual(result.validator, { etag: '"v1"', lastModified: 'Wed, 25 Nov 2026 10:00:00 GMT' });
    });
  });

  describe('when the export has not changed', () => {
    it('sends If-None-Match and If-Modified-Since and downloads nothing on 304', async () => {
      const previous = {
        etag: '"v1"',
        lastModified: 'Wed, 25 Nov 2026 10:00:00 GMT',
        importedAt: '2026-11-25T10:00:00Z',
      };
      const result = await new OsvExportClient({ baseUrl: server.url }).download(
        'PyPI',
        previous,
        path.join(temp.dir, 'dl'),
      );
      assert.equal(result.status, 'not-modified');
      assert.equal(server.log[0]!.headers['if-none-match'], '"v1"');
      assert.equal(server.log[0]!.headers['if-modified-since'], 'Wed, 25 Nov 2026 10:00:00 GMT');
    });
  });

  describe('when the export is too big or missing', () => {
    it('refuses a body over the size limit', async () => {
      await assertRejectsWithCode(
        () =>
          new OsvExportClient({ baseUrl: server.url, maxDownloadBytes: 100 }).download(
            'PyPI',
            undefined,
            temp.dir,
          ),
        'OSV_EXPORT_TOO_LARGE',
      );
    });

    it('reports an ecosystem the bucket does not have', async () => {
      await assertRejectsWithCode(
        () => new OsvExportClient({ baseUrl: server.url }).download('NoSuch', undefined, temp.dir),
        'OSV_EXPORT_NOT_FOUND',
      );
    });
  });
});
