import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startPypiServer } from '../support/pypi-server.ts';
import type { FakeFile, FakePypi } from '../support/pypi-server.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { fixture, readFixture, readJson } from './fixtures.ts';
import { makePep740Attestation, provenanceObject } from './pep740-maker.ts';
import type { GithubPublisher } from './pep740-maker.ts';
import { startSigstoreStack } from './sigstore-stack.ts';

/**
 * A small PyPI for coverage and drift tests. Real PEP 740 data where it exists (trailofbits'
 * pypi-attestations 0.0.19 with the provenance object PyPI served for it, the GitLab-published
 * gitlab-oidc-project and pypi-attestation-models attestations), and release histories made here with
 * the local Sigstore stack where a story needs several releases of one project:
 * - acme-lib 1.0, 1.1 published by acme/lib release.yml; 1.2 unattested (drift)
 * - acme-tool 2.0 by acme/tool release.yml; 2.1 by evil/tool release.yml (drift: another repository)
 * - acme-flow 4.0 by acme/flow release.yml; 4.1 by acme/flow nightly.yml (drift: another workflow)
 * - acme-core 3.0, 3.1 both by acme/core release.yml (no drift)
 * - pypi-attestation-models 0.0.4a2 listed with a sha256 that is not its attested one (tampered index)
 * - gitlab-oidc-project 0.0.3 whose provenance names another GitLab repository (wrong publisher)
 * - requests 2.32.3 with no attestations at all
 */
export interface PypiWorld {
  pypi: FakePypi;
  dir: string;
  /** The local stack's trusted_root.json (add it to --trusted-root with the public-good one). */
  mockRootFile: string;
  mockRoot: Record<string, unknown>;
  sha256: Record<string, string>;
  close(): Promise<void>;
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export async function startPypiWorld(): Promise<PypiWorld> {
  const stack = await startSigstoreStack();
  const temp = await makeTempDir('raygate-pypi-world-');
  const hashes: Record<string, string> = {};
  const release = async (
    project: string,
    version: string,
    publisher: GithubPublisher | undefined,
    recorded?: GithubPublisher,
  ): Promise<FakeFile> => {
    const filename = `${project.replace(/-/g, '_')}-${version}.tar.gz`;
    const bytes = Buffer.from(`${filename}: test distribution made by raygate's tests\n`);
    hashes[filename] = sha(bytes);
    if (!publisher) return { filename, bytes };
    const attestation = await makePep740Attestation(stack, { filename, bytes }, publisher);
    const who = recorded ?? publisher;
    return {
      filename,
      bytes,
      provenance: provenanceObject({ kind: 'GitHub', repository: who.repository, workflow: who.workflow }, [
        attestation,
      ]),
    };
  };
  try {
    const lib = { repository: 'acme/lib', workflow: 'release.yml' };
    const tool = { repository: 'acme/tool', workflow: 'release.yml' };
    const flow = { repository: 'acme/flow', workflow: 'release.yml' };
    const core = { repository: 'acme/core', workflow: 'release.yml' };
    const real = (name: string) => readFixture(`pep740/${name}`);
    const sdist = 'pypi_attestations-0.0.19.tar.gz';
    const models = 'pypi_attestation_models-0.0.4a2.tar.gz';
    const gitlab = 'gitlab_oidc_project-0.0.3.tar.gz';
    for (const name of [sdist, models, gitlab]) hashes[name] = sha(real(name));
    const tampered = Buffer.concat([real(models), Buffer.from('\n# tampered\n')]);
    hashes[`${models}#tampered`] = sha(tampered);

    const pypi = await startPypiServer([
      {
        name: 'acme-lib',
        releases: {
          '1.0': [await release('acme-lib', '1.0', lib)],
          '1.1': [await release('acme-lib', '1.1', lib)],
          '1.2': [await release('acme-lib', '1.2', undefined)],
        },
      },
      {
        name: 'acme-tool',
        releases: {
          '2.0': [await release('acme-tool', '2.0', tool)],
          '2.1': [await release('acme-tool', '2.1', { repository: 'evil/tool', workflow: 'release.yml' })],
        },
      },
      {
        name: 'acme-flow',
        releases: {
          '4.0': [await release('acme-flow', '4.0', flow)],
          '4.1': [await release('acme-flow', '4.1', { repository: 'acme/flow', workflow: 'nightly.yml' })],
        },
      },
      {
        name: 'acme-core',
        releases: {
          '3.0': [await release('acme-core', '3.0', core)],
          '3.1': [await release('acme-core', '3.1', core)],
        },
      },
      {
        name: 'pypi-attestations',
        releases: {
          '0.0.19': [
            {
              filename: sdist,
              bytes: real(sdist),
              uploadTime: '2024-11-06T22:37:14.000000Z',
              provenance: readJson(`pep740/${sdist}.provenance`),
            },
          ],
        },
      },
      {
        name: 'pypi-attestation-models',
        releases: {
          '0.0.4a2': [
            {
              filename: models,
              bytes: tampered,
              provenance: provenanceObject(
                {
                  kind: 'GitHub',
                  repository: 'trailofbits/pypi-attestation-models',
                  workflow: 'release.yml',
                },
                [readJson(`pep740/${models}.attestation`)],
              ),
            },
          ],
        },
      },
      {
        name: 'gitlab-oidc-project',
        releases: {
          '0.0.3': [
            {
              filename: gitlab,
              bytes: real(gitlab),
              provenance: {
                version: 1,
                attestation_bundles: [
                  {
                    publisher: {
                      kind: 'GitLab',
                      repository: 'evil/gitlab-oidc-project',
                      workflow_filepath: '.gitlab-ci.yml',
                      environment: null,
                    },
                    attestations: [readJson(`pep740/${gitlab}.publish.attestation`)],
                  },
                ],
              },
            },
          ],
        },
      },
      {
        name: 'requests',
        releases: {
          '2.32.3': [
            { filename: 'requests-2.32.3.tar.gz', bytes: Buffer.from('requests 2.32.3 (test bytes)') },
          ],
        },
      },
    ]);
    hashes['requests-2.32.3.tar.gz'] = sha(Buffer.from('requests 2.32.3 (test bytes)'));
    const mockRootFile = path.join(temp.dir, 'mock-trusted-root.json');
    await writeFile(mockRootFile, JSON.stringify(stack.trustedRoot));
    // Signing is done: the stack's keys live on in its trusted root; verification is offline.
    await stack.close();
    return {
      pypi,
      dir: temp.dir,
      mockRootFile,
      mockRoot: stack.trustedRoot,
      sha256: hashes,
      close: async () => {
        await pypi.close();
        await temp.cleanup();
      },
    };
  } catch (error) {
    await stack.close();
    await temp.cleanup();
    throw error;
  }
}

export const PUBLIC_GOOD_ROOT_FILE = fixture('trust/trusted_root.public-good.json');
