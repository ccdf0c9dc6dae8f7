import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { GHSA_ADVISORIES, ghsa, PYPA_VULNS } from '../advisories/records.ts';
import { OsvTestServer } from '../support/osv-server.ts';
import { REPO_ROOT, runCli } from '../support/run-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

interface JsonReport {
  summary: {
    packages: number;
    assessed: number;
    notAssessed: number;
    findings: Record<string, number>;
    ignored: number;
  };
  findings: {
    id: string;
    advisories: string[];
    severity: string;
    fixedIn?: string;
    package: { name: string; locations: { path: string }[] };
  }[];
  ignored: { id: string; ignore: { reason: string } }[];
  notAssessed: { package: { name: string }; reason: string }[];
  advisorySource: { kind: string; generation?: string };
}

describe('raygate scan', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let osvDb: string;
  const scan = (args: string[], options: { cwd?: string } = {}) =>
    runCli(['scan', '--osv-db', osvDb, ...args], options);

  before(async function () {
    this.timeout(120_000);
    temp = await makeTempDir();
    osvDb = path.join(temp.dir, 'osv');
    const run = await runCli(['osv', 'import', '--osv-db', osvDb, PYPA_VULNS, GHSA_ADVISORIES]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /2696 added/);
  });
  after(() => temp.cleanup());

  describe('when given package URLs', () => {
    it('prints a table of findings, then what was not assessed, and exits 0 by default', async () => {
      const run = await scan([
        'pkg:pypi/ray@2.6.3',
        'pkg:pypi/urllib3@1.26.18',
        'pkg:conda/conda-forge/openssl@3.1.0',
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /CRITICAL 9\.8\s+CVE-2023-6019\s+ray\s+2\.6\.3/);
      assert.match(run.stdout, /CVE-2024-37891\s+urllib3\s+1\.26\.18\s+1\.26\.19/);
      assert.match(run.stdout, /Not assessed \(1\)[\s\S]*openssl/);
      assert.match(run.stdout, /3 packages: 2 assessed, 1 not assessed/);
    });

    it('exits 1 when a finding reaches --fail-on, and 0 when none does', async () => {
      assert.equal((await scan(['pkg:pypi/ray@2.6.3', '--fail-on', 'high'])).code, 1);
      assert.equal((await scan(['pkg:pypi/torch@2.1.0+cu121', '--fail-on', 'critical'])).code, 0);
      assert.equal((await scan(['pkg:pypi/torch@2.1.0+cu121', '--fail-on', 'high'])).code, 1);
      assert.equal((await scan(['pkg:pypi/ray@2.58.0', '--fail-on', 'low'])).code, 0);
    });

    it('writes JSON with the matched identity, fixed version and counts', async () => {
      const run = await scan([
        'pkg:pypi/aiohttp@3.8.5',
        'pkg:pypi/ray@2.8.1',
        'pkg:generic/haproxy@2.8.12',
        '-f',
        'json',
      ]);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as JsonReport;
      assert.deepEqual(
        [report.summary.packages, report.summary.assessed, report.summary.notAssessed],
        [3, 2, 1],
      );
      const cve = report.findings.find((f) => f.id === 'CVE-2023-47627')!;
      assert.deepEqual(cve.advisories, ['GHSA-gfw2-4jvh-wgfg', 'PYSEC-2023-246']);
      assert.equal(cve.fixedIn, '3.8.6');
      assert.ok(report.findings.every((f) => f.package.name === 'aiohttp'));
      assert.equal(report.advisorySource.kind, 'mirror');
    });

    it('writes SARIF for code scanning', async () => {
      const out = path.join(temp.dir, 'scan.sarif');
      const run = await scan(['pkg:pypi/ray@2.6.3', '-f', 'sarif', '-o', out]);
      assert.equal(run.code, 0, run.stderr);
      const sarif = JSON.parse(await readFile(out, 'utf8')) as {
        version: string;
        runs: { results: { ruleId: string; level: string }[] }[];
      };
      assert.equal(sarif.version, '2.1.0');
      assert.deepEqual(sarif.runs[0]!.results.map((r) => [r.ruleId, r.level]).sort(), [
        ['CVE-2023-6019', 'error'],
        ['CVE-2023-6020', 'error'],
        ['CVE-2023-6021', 'error'],
      ]);
    });

    it('writes a CycloneDX 1.6 BOM with its vulnerabilities that validates', async () => {
      const run = await scan(['pkg:pypi/ray@2.6.3', 'pkg:pypi/pillow@10.0.0', '-f', 'cyclonedx']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(run.stdout), null);
      const bom = JSON.parse(run.stdout) as {
        components: unknown[];
        vulnerabilities: { id: string; affects: { ref: string }[] }[];
      };
      assert.equal(bom.components.length, 2);
      assert.ok(bom.vulnerabilities.length >= 5);
    });

    it('writes the full SBOM of a scanned folder with each vulnerability pointing at its component', async () => {
      const folder = path.join(REPO_ROOT, 'test/fixtures/cli/sbom/dist-packages');
      const run = await scan([folder, '-f', 'cyclonedx']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(run.stdout), null);
      const bom = JSON.parse(run.stdout) as {
        components: { 'bom-ref': string; name: string; properties?: { name: string }[] }[];
        vulnerabilities: { id: string; affects: { ref: string }[] }[];
      };
      const cryptography = bom.components.find((c) => c.name === 'cryptography')!;
      // The same component `raygate sbom` writes, with its evidence properties, not a bare identity.
      assert.ok(cryptography.properties?.some((p) => p.name === 'raygate:found-by'));
      const onCryptography = bom.vulnerabilities.filter((v) =>
        v.affects.some((a) => a.ref === cryptography['bom-ref']),
      );
      assert.ok(onCryptography.length > 0, 'no vulnerability points at cryptography 38.0.4');
      const refs = new Set(bom.components.map((c) => c['bom-ref']));
      for (const v of bom.vulnerabilities)
        for (const a of v.affects) assert.ok(refs.has(a.ref), `${v.id} affects ${a.ref}`);
    });

    it('refuses a mix of package URLs and a path', async () => {
      const run = await scan(['pkg:pypi/ray@2.6.3', temp.dir]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /TARGET_INVALID/);
    });
  });

  describe('when given a CycloneDX SBOM', () => {
    it('assesses its components', async () => {
      const sbom = path.join(temp.dir, 'image.cdx.json');
      await writeFile(
        sbom,
        JSON.stringify({
          bomFormat: 'CycloneDX',
          specVersion: '1.6',
          version: 1,
          components: [
            {
              type: 'library',
              name: 'ray',
              version: '2.6.3',
              purl: 'pkg:pypi/ray@2.6.3',
              evidence: {
                occurrences: [{ location: '/opt/venv/lib/python3.11/site-packages/ray-2.6.3.dist-info' }],
              },
            },
            {
              type: 'library',
              name: 'openssl',
              version: '3.1.0',
              purl: 'pkg:conda/conda-forge/openssl@3.1.0',
            },
          ],
        }),
      );
      const run = await scan([sbom, '-f', 'json']);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as JsonReport;
      assert.equal(report.findings.length, 3);
      assert.equal(
        report.findings[0]!.package.locations[0]!.path,
        '/opt/venv/lib/python3.11/site-packages/ray-2.6.3.dist-info',
      );
      assert.deepEqual(
        report.notAssessed.map((n) => n.package.name),
        ['openssl'],
      );
    });
  });

  describe('when an ignore file is present', () => {
    it('lists ignored findings as ignored and leaves them out of --fail-on', async () => {
      await writeFile(
        path.join(temp.dir, '.raygate-ignore.yaml'),
        'ignore:\n  - id: GHSA-h3xg-wv58-5p43\n    reason: dashboard is not reachable\n    expires: 2999-01-01\n    purl: pkg:pypi/ray\n' +
          '  - id: CVE-2023-6020\n    reason: same\n    expires: 2999-01-01\n  - id: CVE-2023-6021\n    reason: same\n    expires: 2999-01-01\n',
      );
      const run = await scan(['pkg:pypi/ray@2.6.3', '-f', 'json', '--fail-on', 'low'], { cwd: temp.dir });
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as JsonReport;
      assert.deepEqual(report.findings, []);
      assert.deepEqual(report.ignored.map((i) => i.id).sort(), [
        'CVE-2023-6019',
        'CVE-2023-6020',
        'CVE-2023-6021',
      ]);
      assert.equal(report.summary.ignored, 3);
      const table = await scan(['pkg:pypi/ray@2.6.3'], { cwd: temp.dir });
      assert.match(table.stdout, /Ignored \(3\)[\s\S]*ignored until 2999-01-01: dashboard is not reachable/);
    });

    it('fails the scan when an ignore has expired, and reports the finding again', async () => {
      const file = path.join(temp.dir, 'expired.yaml');
      await writeFile(
        file,
        'ignore:\n  - id: CVE-2023-6019\n    reason: was fine last year\n    expires: 2020-01-01\n',
      );
      const run = await scan(['pkg:pypi/ray@2.6.3', '--ignore-file', file, '-f', 'json']);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /IGNORE_EXPIRED: CVE-2023-6019 \(expired 2020-01-01\)/);
      assert.ok((JSON.parse(run.stdout) as JsonReport).findings.some((f) => f.id === 'CVE-2023-6019'));
    });

    it('rejects a malformed ignore file with exit 2', async () => {
      const file = path.join(temp.dir, 'bad.yaml');
      await writeFile(file, 'ignore:\n  - id: CVE-2023-6019\n');
      const run = await scan(['pkg:pypi/ray@2.6.3', '--ignore-file', file]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /IGNORE_FILE_INVALID/);
    });
  });

  describe('when given Debian and Ubuntu packages', () => {
    it('asks about the source package in the release named by the purl', async () => {
      // Records in the shape OSV's Debian and Ubuntu exports use (source package names, dpkg versions).
      const records = path.join(temp.dir, 'distro-records');
      const { mkdir } = await import('node:fs/promises');
      await mkdir(records);
      const affected = (ecosystem: string, fixed: string) => [
        {
          package: { ecosystem, name: 'openssl' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
        },
      ];
      await writeFile(
        path.join(records, 'DEBIAN-CVE-2024-5535.json'),
        JSON.stringify({
          id: 'DEBIAN-CVE-2024-5535',
          modified: '2026-01-01T00:00:00Z',
          upstream: ['CVE-2024-5535'],
          affected: affected('Debian:12', '3.0.15-1~deb12u1'),
        }),
      );
      await writeFile(
        path.join(records, 'UBUNTU-CVE-2024-5535.json'),
        JSON.stringify({
          id: 'UBUNTU-CVE-2024-5535',
          modified: '2026-01-01T00:00:00Z',
          aliases: ['CVE-2024-5535'],
          severity: [{ type: 'Ubuntu', score: 'low' }],
          affected: affected('Ubuntu:22.04:LTS', '3.0.2-0ubuntu1.17'),
        }),
      );
      const distroDb = path.join(temp.dir, 'osv-distro');
      assert.equal((await runCli(['osv', 'import', '--osv-db', distroDb, records])).code, 0);
      const run = await runCli([
        'scan',
        '--osv-db',
        distroDb,
        '-f',
        'json',
        'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl',
        'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl',
        'pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.15?arch=amd64&distro=ubuntu-22.04&upstream=openssl',
        'pkg:deb/debian/libssl3@3.0.11-1~deb12u2',
      ]);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as Omit<JsonReport, 'findings'> & {
        findings: {
          package: { version: string; matchedAs: { ecosystem: string; name: string } };
          fixedIn?: string;
          severity: string;
        }[];
      };
      assert.deepEqual(
        report.findings.map((f) => [
          f.package.matchedAs.ecosystem,
          f.package.matchedAs.name,
          f.package.version,
          f.fixedIn,
          f.severity,
        ]),
        [
          ['Ubuntu:22.04:LTS', 'openssl', '3.0.2-0ubuntu1.15', '3.0.2-0ubuntu1.17', 'low'],
          ['Debian:12', 'openssl', '3.0.11-1~deb12u2', '3.0.15-1~deb12u1', 'unknown'],
        ],
      );
      assert.deepEqual(
        report.notAssessed.map((n) => n.reason),
        ['distribution-release-unknown'],
      );
    });
  });

  describe('when given a folder', () => {
    it('catalogs it like raygate sbom and says when it holds no packages', async () => {
      const { mkdir } = await import('node:fs/promises');
      const empty = path.join(temp.dir, 'empty-folder');
      await mkdir(empty);
      const run = await scan([empty, '-f', 'json']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /no packages found/);
      assert.equal((JSON.parse(run.stdout) as JsonReport).summary.packages, 0);
    });
  });

  describe('when the mirror is missing', () => {
    it('exits 2 and says how to fill it', async () => {
      const run = await runCli(['scan', '--osv-db', path.join(temp.dir, 'none'), 'pkg:pypi/ray@2.6.3']);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /OSV_MIRROR_EMPTY[\s\S]*raygate osv sync/);
    });
  });

  describe('when scanning --online', () => {
    it('asks the OSV API and reports the same findings', async () => {
      const server = await new OsvTestServer(
        ['GHSA-h3xg-wv58-5p43', 'GHSA-6cxr-8q3m-jwrr', 'GHSA-3pww-qvr8-6mhp'].map(ghsa),
      ).start();
      try {
        server.faults.push({ status: 500 });
        const run = await scan(['pkg:pypi/ray@2.6.3', '--online', '--osv-api-url', server.url, '-f', 'json']);
        assert.equal(run.code, 0, run.stderr);
        const report = JSON.parse(run.stdout) as JsonReport;
        assert.equal(report.advisorySource.kind, 'online');
        assert.deepEqual(report.findings.map((f) => f.id).sort(), [
          'CVE-2023-6019',
          'CVE-2023-6020',
          'CVE-2023-6021',
        ]);
        assert.equal(server.log.filter((r) => r.path === '/v1/querybatch').length, 2, 'one 500, one retry');
      } finally {
        await server.stop();
      }
    });
  });
});
