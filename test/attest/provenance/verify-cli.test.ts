import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../support/run-cli.ts';
import type { CliRun } from '../../support/run-cli.ts';
import { fixture, STAGING } from '../fixtures.ts';
import { PUBLIC_GOOD_ROOT_FILE, startPypiWorld } from '../pypi-world.ts';
import type { PypiWorld } from '../pypi-world.ts';

interface CoverageReport {
  coverage: { name: string; status: string; drift?: unknown }[];
  artifacts: { verdict: string; evidence: { status: string; error?: { code: string } }[] }[];
}

describe('raygate verify (PyPI, wheels, environments)', function () {
  this.timeout(120_000);
  let world: PypiWorld;
  let cacheDir: string;
  before(async () => {
    world = await startPypiWorld();
    cacheDir = path.join(world.dir, 'pypi-cache');
  });
  after(() => world?.close());

  const verify = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
    runCli(['verify', ...args], {
      cwd: world.dir,
      env: { RAYGATE_PYPI_CACHE: cacheDir, RAYGATE_PYPI_URL: world.pypi.url, ...env },
    });
  const trust = () => ['--trusted-root', PUBLIC_GOOD_ROOT_FILE, '--trusted-root', world.mockRootFile];
  const json = (run: CliRun) => JSON.parse(run.stdout) as CoverageReport;
  const byName = (report: CoverageReport) => Object.fromEntries(report.coverage.map((c) => [c.name, c]));

  async function requirements(name: string, lines: [string, string][]): Promise<string> {
    const dir = path.join(world.dir, name);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'requirements.txt');
    await writeFile(
      file,
      lines.map(([pin, file]) => `${pin} \\\n    --hash=sha256:${world.sha256[file]}\n`).join(''),
    );
    return file;
  }

  describe('when given a lock file with hashes', () => {
    it('reports coverage, fails on publisher drift, and answers a second run from its cache', async () => {
      const lock = await requirements('drift', [
        ['pypi-attestations==0.0.19', 'pypi_attestations-0.0.19.tar.gz'],
        ['acme-lib==1.2', 'acme_lib-1.2.tar.gz'],
        ['acme-core==3.1', 'acme_core-3.1.tar.gz'],
        ['requests==2.32.3', 'requests-2.32.3.tar.gz'],
      ]);
      const run = await verify([lock, ...trust(), '--format', 'json']);
      assert.equal(run.code, 1, run.stderr);
      const c = byName(json(run));
      assert.equal(c['pypi-attestations']!.status, 'verified');
      assert.equal(c['acme-core']!.status, 'verified');
      assert.equal(c['requests']!.status, 'unattested');
      assert.equal(c['acme-lib']!.status, 'unattested');
      assert.equal((c['acme-lib']!.drift as { kind: string }).kind, 'unattested-after-attested');
      assert.match(
        run.stderr,
        /publisher drift: acme-lib 1\.1 was published by GitHub acme\/lib release\.yml/,
      );

      const asked = world.pypi.requests.length;
      const again = await verify([lock, ...trust()]);
      assert.equal(again.code, 1);
      assert.equal(world.pypi.requests.length, asked, 'the second run made no request');
      assert.match(again.stdout, /acme-lib\s+1\.2\s+unattested.*DRIFT: unattested-after-attested/);
      assert.match(again.stdout, /distributions 4: 2 attested and verified.*1 with publisher drift/);
    });

    it('exits 0 when every attested distribution verifies and nothing drifted', async () => {
      const lock = await requirements('clean', [
        ['pypi-attestations==0.0.19', 'pypi_attestations-0.0.19.tar.gz'],
        ['acme-core==3.1', 'acme_core-3.1.tar.gz'],
      ]);
      const run = await verify([lock, ...trust(), '--pypi-url', world.pypi.url], {
        RAYGATE_PYPI_URL: 'http://127.0.0.1:9/unused',
      });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /2 attested and verified/);
    });

    it('exits 1 when an attestation fails (a tampered index)', async () => {
      const lock = await requirements('tampered', [
        ['pypi-attestation-models==0.0.4a2', 'pypi_attestation_models-0.0.4a2.tar.gz#tampered'],
      ]);
      const run = await verify([lock, ...trust()]);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stdout, /BUNDLE_SUBJECT_MISMATCH/);
    });

    it('says "not checked" offline, never clean, and exits 5', async () => {
      const lock = await requirements('offline', [
        ['pypi-attestations==0.0.19', 'pypi_attestations-0.0.19.tar.gz'],
      ]);
      const asked = world.pypi.requests.length;
      const run = await verify([lock, '--offline', '--format', 'json']);
      assert.equal(run.code, 5, run.stderr);
      assert.deepEqual(
        json(run).coverage.map((c) => c.status),
        ['not-checked'],
      );
      assert.match(run.stderr, /nothing could be checked.*not a clean result/);
      assert.equal(world.pypi.requests.length, asked, '--offline asks nobody');
    });

    it('exits 5 when PyPI cannot be reached at all', async () => {
      const lock = await requirements('unreachable', [['acme-core==3.1', 'acme_core-3.1.tar.gz']]);
      const run = await verify([lock, ...trust()], {
        RAYGATE_PYPI_URL: 'http://127.0.0.1:9',
        RAYGATE_PYPI_CACHE: path.join(world.dir, 'empty-cache'),
      });
      assert.equal(run.code, 5, run.stdout + run.stderr);
      assert.match(run.stdout, /0 attested and verified.*1 not checked/);
    });
  });

  describe('when given an environment folder', () => {
    it('reads the installed distributions and flags a publisher change', async () => {
      const site = path.join(world.dir, 'venv/lib/python3.12/site-packages');
      for (const [name, version] of [
        ['acme_tool', '2.1'],
        ['acme_core', '3.1'],
      ] as const) {
        const info = path.join(site, `${name}-${version}.dist-info`);
        await mkdir(info, { recursive: true });
        await writeFile(
          path.join(info, 'METADATA'),
          `Metadata-Version: 2.1\nName: ${name.replace('_', '-')}\nVersion: ${version}\n`,
        );
      }
      await writeFile(path.join(world.dir, 'venv/pyvenv.cfg'), 'home = /usr/bin\n');
      const run = await verify([path.join(world.dir, 'venv'), ...trust(), '--format', 'json']);
      assert.equal(run.code, 1, run.stderr);
      const c = byName(json(run));
      assert.equal(c['acme-core']!.status, 'verified');
      assert.equal(c['acme-tool']!.status, 'verified');
      assert.equal((c['acme-tool']!.drift as { kind: string }).kind, 'publisher-changed');
      assert.match(run.stderr, /acme-tool 2\.1 was published by GitHub evil\/tool release\.yml/);
    });
  });

  describe('when given one release on PyPI (pypi:NAME==VERSION[:FILENAME])', () => {
    it('exits 0 for a verified release, 1 for a failing one, 5 for one without attestations', async () => {
      const ok = await verify(['pypi:pypi-attestations==0.0.19', ...trust()]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /PASS/);
      const one = await verify(['pypi:acme-lib==1.0:acme_lib-1.0.tar.gz', ...trust(), '--format', 'json']);
      assert.equal(one.code, 0, one.stdout + one.stderr);
      assert.equal(json(one).artifacts.length, 1);
      const bad = await verify(['pypi:gitlab-oidc-project==0.0.3', ...trust()]);
      assert.equal(bad.code, 1, bad.stdout + bad.stderr);
      assert.match(bad.stdout, /PEP740_PUBLISHER_MISMATCH/);
      const none = await verify(['pypi:requests==2.32.3', ...trust()]);
      assert.equal(none.code, 5, none.stdout + none.stderr);
      assert.match(none.stdout, /NO-EVIDENCE/);
    });

    it('exits 2 for a release or file PyPI does not have, and for pypi: with --offline', async () => {
      const missing = await verify(['pypi:acme-lib==9.9', ...trust()]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /TARGET_NOT_FOUND/);
      const file = await verify(['pypi:acme-lib==1.0:acme_lib-1.0-py3-none-any.whl', ...trust()]);
      assert.equal(file.code, 2);
      const offline = await verify(['pypi:acme-lib==1.0', '--offline']);
      assert.equal(offline.code, 2);
    });
  });

  describe('when given a wheel file with its attestation beside it', () => {
    const wheel = fixture('pep740/rfc8785-0.1.2-py3-none-any.whl');
    const staging = ['--trusted-root', fixture(STAGING)];
    const who = ['--certificate-identity', 'william@yossarian.net'];
    const issuer = ['--certificate-oidc-issuer', 'https://github.com/login/oauth'];

    it('exits 0 for the expected signer and 1 for another, without asking PyPI', async () => {
      const asked = world.pypi.requests.length;
      const ok = await verify([wheel, ...staging, ...who, ...issuer, '--offline']);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /publish\s+verified\s+william@yossarian\.net/);
      const other = await verify([
        wheel,
        ...staging,
        '--certificate-identity',
        'mallory@example.com',
        ...issuer,
      ]);
      assert.equal(other.code, 1, other.stdout);
      assert.match(other.stdout, /BUNDLE_IDENTITY_MISMATCH/);
      assert.equal(world.pypi.requests.length, asked, 'a local attestation needs no PyPI');
    });

    it('applies --policy: a policy it meets exits 0, one it does not exits 1, a bad one exits 2', async () => {
      const good = path.join(world.dir, 'good-policy.yaml');
      await writeFile(
        good,
        [
          'version: 1',
          'require: [publish]',
          'identities:',
          '  - identity: william@yossarian.net',
          '    issuer: https://github.com/login/oauth',
        ].join('\n'),
      );
      const strict = path.join(world.dir, 'strict-policy.yaml');
      await writeFile(
        strict,
        [
          'version: 1',
          'identities: [{identity: william@yossarian.net, issuer: "https://github.com/login/oauth"}]',
          'artifacts:',
          '  wheel: {require: [publish, provenance]}',
        ].join('\n'),
      );
      const broken = path.join(world.dir, 'broken-policy.yaml');
      await writeFile(broken, 'version: 1\nrequire: [blessing]\n');
      const pass = await verify([wheel, ...staging, '--policy', good, '--offline']);
      assert.equal(pass.code, 0, pass.stdout + pass.stderr);
      const fail = await verify([wheel, ...staging, '--policy', strict, '--offline']);
      assert.equal(fail.code, 1, fail.stdout + fail.stderr);
      assert.match(fail.stdout, /no provenance evidence was found/);
      const bad = await verify([wheel, ...staging, '--policy', broken, '--offline']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /VERIFY_POLICY_INVALID/);
    });

    it('exits 5 offline for a wheel with nothing beside it (not checked), and verifies it through PyPI online', async () => {
      const alone = path.join(world.dir, 'alone');
      await mkdir(alone, { recursive: true });
      const copy = path.join(alone, 'pypi_attestations-0.0.19.tar.gz');
      await copyFile(fixture('pep740/pypi_attestations-0.0.19.tar.gz'), copy);
      const offline = await verify([copy, '--offline']);
      assert.equal(offline.code, 5, offline.stdout + offline.stderr);
      assert.match(offline.stdout, /NOT-CHECKED/);
      const online = await verify([copy, ...trust()]);
      assert.equal(online.code, 0, online.stdout + online.stderr);
      assert.match(online.stdout, /pypi integrity api\s+publish\s+verified/);
    });
  });
});
