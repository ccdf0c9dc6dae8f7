import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, runCli } from '../../support/run-cli.ts';
import { buildTar } from '../../support/tar-builder.ts';
import type { TarItem } from '../../support/tar-builder.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { fixture, PUBLIC_GOOD } from '../fixtures.ts';

const LAYOUT = fixture('oci/gha_generic_container');
const INDEX = 'sha256:234e2c830c2fb31ac5671789d22adfe44d30c3ee831d01beae5e237841a13122';
const identity = [
  '--certificate-identity-regexp',
  '^https://github\\.com/slsa-framework/slsa-github-generator/\\.github/workflows/generator_container_slsa3\\.yml@refs/tags/v2\\.',
  '--certificate-oidc-issuer',
  'https://token.actions.githubusercontent.com',
  '--trusted-root',
  fixture(PUBLIC_GOOD),
  '--offline',
];

/**
 * The OCI-in-tar archive `docker save` writes since Docker 25 (oci-layout, index.json, blobs/ and a
 * manifest.json naming the config and layers), made here from slsa-verifier's real container layout.
 */
function dockerSaveOfLayout(): Buffer {
  const items: TarItem[] = [];
  for (const name of ['oci-layout', 'index.json'])
    items.push({ name, content: readFileSync(path.join(LAYOUT, name)) });
  items.push({ name: 'blobs/', type: 'dir' }, { name: 'blobs/sha256/', type: 'dir' });
  for (const blob of readdirSync(path.join(LAYOUT, 'blobs/sha256')))
    items.push({
      name: `blobs/sha256/${blob}`,
      content: readFileSync(path.join(LAYOUT, 'blobs/sha256', blob)),
    });
  const platform = JSON.parse(
    readFileSync(
      path.join(LAYOUT, 'blobs/sha256/d1fc0de9c6a33e502c488221644de1736c53d8ddb59b0e41b4946fb26af50e69'),
      'utf8',
    ),
  ) as { config: { digest: string }; layers: { digest: string }[] };
  const manifest = [
    {
      Config: `blobs/sha256/${platform.config.digest.slice(7)}`,
      RepoTags: ['example-package:main'],
      Layers: platform.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
    },
  ];
  items.push({ name: 'manifest.json', content: JSON.stringify(manifest) });
  return buildTar(items);
}

describe('raygate verify on image archives and layouts', function () {
  this.timeout(60_000);

  describe('when given an OCI layout with cosign attachments (slsa-github-generator container)', () => {
    it('verifies the signed SLSA provenance (L3) and reports the unsigned buildkit one as unsigned', async () => {
      const run = await runCli(['verify', `oci-dir:${LAYOUT}`, ...identity, '--format', 'json']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const report = JSON.parse(run.stdout) as {
        artifacts: {
          artifact: { sha256: string };
          slsaLevel: number;
          evidence: { status: string; format: string }[];
        }[];
      };
      const [verdict] = report.artifacts;
      assert.equal(`sha256:${verdict!.artifact.sha256}`, INDEX);
      assert.equal(verdict!.slsaLevel, 3);
      assert.deepEqual(verdict!.evidence.map((e) => `${e.format}:${e.status}`).sort(), [
        'cosign-dsse:verified',
        'in-toto-unsigned:unsigned',
      ]);
    });
  });

  describe('when given a docker save archive', () => {
    it('finds the attachments of an OCI-in-tar archive (Docker 25+) for the image it holds', async () => {
      const dir = await makeTempDir('raygate-docker-save-');
      try {
        const archive = path.join(dir.dir, 'image.tar');
        await writeFile(archive, dockerSaveOfLayout());
        const run = await runCli(['verify', `docker-archive:${archive}`, ...identity]);
        assert.equal(run.code, 0, run.stdout + run.stderr);
        assert.match(run.stdout, new RegExp(`${INDEX}\\s+image\\s+PASS\\s+SLSA build L3`));
      } finally {
        await dir.cleanup();
      }
    });

    it('says plainly that a legacy archive cannot carry attachments, names its image ID, and exits 5', async () => {
      const legacy = path.join(REPO_ROOT, 'test/fixtures/images/osv-scalibr/layerscanning-basic.tar');
      const run = await runCli(['verify', `docker-archive:${legacy}`, ...identity, '--format', 'json']);
      assert.equal(run.code, 5, run.stdout + run.stderr);
      const report = JSON.parse(run.stdout) as {
        artifacts: {
          verdict: string;
          artifact: { sha256: string };
          problems: { code: string; message: string }[];
        }[];
      };
      const [verdict] = report.artifacts;
      assert.equal(verdict!.verdict, 'no-evidence');
      assert.equal(
        verdict!.artifact.sha256,
        'cef24537555496e574fe14473659452c20e6ae3b03bdecf5f9a76d1afe14fd1a',
      );
      assert.equal(verdict!.problems[0]!.code, 'DOCKER_ARCHIVE_NO_ATTACHMENTS');
      assert.match(verdict!.problems[0]!.message, /keeps no registry manifest/);
      assert.match(run.stderr, /no evidence: nothing signed or attested was found/);
    });
  });
});
