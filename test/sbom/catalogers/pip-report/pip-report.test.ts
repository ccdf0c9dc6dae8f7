import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { pipReportCataloger } from '../../../../src/sbom/catalogers/pip-report/cataloger.ts';
import {
  declared,
  edges,
  nameVersions,
  only,
  parseFixture,
  parseText,
  problemCodes,
} from '../lock-support/parse-fixture.ts';
import { generatePipReports } from './generate-report.ts';

const RAY_CORE = [
  'click',
  'filelock',
  'jsonschema',
  'msgpack',
  'packaging',
  'protobuf',
  'pyyaml',
  'requests',
];
const RAY_DATA = ['fsspec', 'numpy', 'pandas', 'pyarrow'];

describe('pip-report cataloger', () => {
  describe('when choosing files', () => {
    it('wants JSON files named as pip reports and accepts any named JSON', () => {
      assert.equal(pipReportCataloger.fileRequired('/ci/pip-report.json'), true);
      assert.equal(pipReportCataloger.fileRequired('/ci/pip_install_report-py311.json'), true);
      assert.equal(pipReportCataloger.fileRequired('/ci/report.json'), false);
      assert.equal(pipReportCataloger.fileAccepted!('/ci/report.json'), true);
    });
  });

  describe('when reading the committed ray[data]==2.58.0 report', () => {
    const fixture = 'pip-report/ray-data-2.58.0.pip-report.json';

    it('lists the 24 packages pip resolved, each pinned with the hash of the one file pip chose', async () => {
      const result = await parseFixture(pipReportCataloger, fixture, '/pip-report.json');
      assert.equal(result.packages.length, 24);
      assert.deepEqual(result.problems, []);
      const ray = only(result, 'ray');
      assert.equal(ray.version, '2.58.0');
      assert.equal(ray.purl, 'pkg:pypi/ray@2.58.0');
      assert.deepEqual(declared(ray).extras, ['data']);
      assert.equal(declared(ray).pinned, true);
      assert.ok(result.packages.every((p) => p.hashes.length === 1 && p.hashes[0]!.algorithm === 'sha256'));
      assert.deepEqual(only(result, 'click').hashes, [
        { algorithm: 'sha256', value: '255bc9599cf7748b4b1a446ccc735421bd08a2ae529a8b88597d3de5664ee360' },
      ]);
      assert.deepEqual(declared(only(result, 'click')).artifacts, [
        {
          kind: 'wheel',
          filename: 'click-8.5.0-py3-none-any.whl',
          url: 'file:///mirror/pypi/files/click-8.5.0-py3-none-any.whl',
          hashes: [
            {
              algorithm: 'sha256',
              value: '255bc9599cf7748b4b1a446ccc735421bd08a2ae529a8b88597d3de5664ee360',
            },
          ],
        },
      ]);
      assert.deepEqual(only(result, 'ray').locations, [{ path: '/pip-report.json', line: 809 }]);
    });

    it("resolves Requires-Dist with the report's environment and the requested extras", async () => {
      const result = await parseFixture(pipReportCataloger, fixture, '/pip-report.json');
      const fromRay = edges(result)
        .filter((e) => e.startsWith('ray@'))
        .map((e) => e.split(' -> ')[1]!.split('@')[0]);
      assert.deepEqual(fromRay.sort(), [...RAY_CORE, ...RAY_DATA].sort());
      assert.equal(result.relationships.length, 27);
      assert.ok(edges(result).includes('requests@2.34.2 -> urllib3@2.8.0'));
      assert.ok(edges(result).includes('python-dateutil@2.9.0.post0 -> six@1.17.0'));
      // typing_extensions is only required on older Pythons by jsonschema, but referencing needs it here.
      assert.ok(edges(result).includes('referencing@0.37.0 -> typing-extensions@4.16.0'));
    });
  });

  describe('when pip generates reports here (real pip, offline mirror)', function () {
    this.timeout(240_000);

    it('reads ray[data]==2.58.0 and its dependencies as pip resolved them', async () => {
      const { ray } = await generatePipReports();
      const result = await pipReportCataloger.parse(
        { path: '/pip-report.json', bytes: await readFile(ray) },
        { read: async () => undefined, exists: () => false },
      );
      assert.deepEqual(result.problems, []);
      assert.equal(only(result, 'ray').version, '2.58.0');
      const names = new Set(result.packages.map((p) => p.name));
      for (const name of [...RAY_CORE, ...RAY_DATA]) assert.ok(names.has(name), `${name} is in the report`);
      const fromRay = new Set(
        edges(result)
          .filter((e) => e.startsWith('ray@'))
          .map((e) => e.split(' -> ')[1]!.split('@')[0]),
      );
      for (const name of [...RAY_CORE, ...RAY_DATA]) assert.ok(fromRay.has(name), `ray depends on ${name}`);
    });

    it('reads an editable local project and a direct file reference', async () => {
      const { direct } = await generatePipReports();
      const result = await pipReportCataloger.parse(
        { path: '/pip-report.json', bytes: await readFile(direct) },
        { read: async () => undefined, exists: () => false },
      );
      const local = declared(only(result, 'demo-local'));
      assert.equal(local.editable, true);
      assert.match(local.url!, /^file:\/\/\/.*\/demo-local$/);
      assert.ok(edges(result).some((e) => e.startsWith('demo-local@0.1.0 -> requests@')));
      const six = only(result, 'six');
      assert.match(declared(six).url!, /^file:\/\/\/.*\/six-1\.17\.0-py2\.py3-none-any\.whl$/);
      assert.equal(six.hashes.length, 1);
    });
  });

  describe('when the report is not one raygate reads', () => {
    it('refuses an unknown report version and reports a missing install list', async () => {
      assert.deepEqual(
        problemCodes(
          await parseText(pipReportCataloger, '{"version": "2", "install": []}', '/pip-report.json'),
        ),
        ['LOCK_VERSION_UNSUPPORTED'],
      );
      assert.deepEqual(
        problemCodes(
          await parseText(pipReportCataloger, '{"version": "1", "install": {}}', '/pip-report.json'),
        ),
        ['LOCK_STRUCTURE_INVALID'],
      );
    });

    it('skips items without a usable name or version', async () => {
      const report = {
        version: '1',
        pip_version: '24.0',
        install: [
          { metadata: { name: 'ok', version: '1.0' } },
          { metadata: { name: 'bad', version: 1.0 } },
          { metadata: { name: ['x'], version: '1' } },
          'not an object',
        ],
      };
      const result = await parseText(pipReportCataloger, JSON.stringify(report), '/pip-report.json');
      assert.deepEqual(nameVersions(result), ['ok@1.0']);
      assert.deepEqual(problemCodes(result), [
        'LOCK_ENTRY_INVALID',
        'LOCK_ENTRY_INVALID',
        'LOCK_ENTRY_INVALID',
      ]);
    });
  });
});
