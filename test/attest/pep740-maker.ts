import { createHash } from 'node:crypto';
import { signToBundle } from '../../src/attest/sign-client.ts';
import { PYPI_PUBLISH_V1 } from '../../src/attest/slsa/predicates.ts';
import { IN_TOTO_PAYLOAD_TYPE, toStatement } from '../../src/attest/statement.ts';
import type { SigstoreStack } from './sigstore-stack.ts';

/** A GitHub Trusted Publisher as PyPI records it. */
export interface GithubPublisher {
  repository: string;
  workflow: string;
  ref?: string;
}

/** The OIDC claims GitHub Actions puts in a token for `publisher`'s workflow (the mock Fulcio turns them into extensions). */
export function githubClaims(publisher: GithubPublisher): Record<string, unknown> {
  const ref = publisher.ref ?? 'refs/tags/v1';
  const workflowRef = `${publisher.repository}/.github/workflows/${publisher.workflow}@${ref}`;
  return {
    iss: 'https://token.actions.githubusercontent.com',
    sub: `https://github.com/${workflowRef}`,
    repository: publisher.repository,
    repository_owner: publisher.repository.split('/')[0],
    ref,
    sha: 'c0ffee'.padEnd(40, '0'),
    workflow_ref: workflowRef,
    job_workflow_ref: workflowRef,
    runner_environment: 'github-hosted',
    event_name: 'push',
  };
}

/**
 * A PEP 740 publish attestation for one distribution file, signed keylessly through the local Sigstore
 * stack by `publisher`'s GitHub Actions identity, in the shape PyPI stores and serves
 * (`{version, verification_material: {certificate, transparency_entries}, envelope: {statement, signature}}`).
 */
export async function makePep740Attestation(
  stack: SigstoreStack,
  file: { filename: string; bytes: Buffer },
  publisher: GithubPublisher,
): Promise<Record<string, unknown>> {
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const statement = toStatement([{ name: file.filename, digest: { sha256 } }], PYPI_PUBLISH_V1, null);
  const bundle = (await signToBundle({
    data: Buffer.from(JSON.stringify(statement)),
    content: { kind: 'dsse', payloadType: IN_TOTO_PAYLOAD_TYPE },
    identity: { kind: 'keyless', identityToken: stack.token(githubClaims(publisher)) },
    services: { fulcioUrl: stack.url, rekor: { url: stack.url, majorApiVersion: 1 } },
    entryType: 'intoto',
    retries: 0,
  })) as unknown as {
    verificationMaterial: {
      certificate?: { rawBytes: string };
      x509CertificateChain?: { certificates: { rawBytes: string }[] };
      tlogEntries: unknown[];
    };
    dsseEnvelope: { payload: string; signatures: { sig: string }[] };
  };
  const material = bundle.verificationMaterial;
  return {
    version: 1,
    verification_material: {
      certificate: material.certificate?.rawBytes ?? material.x509CertificateChain!.certificates[0]!.rawBytes,
      transparency_entries: material.tlogEntries,
    },
    envelope: {
      statement: bundle.dsseEnvelope.payload,
      signature: bundle.dsseEnvelope.signatures[0]!.sig,
    },
  };
}

/** PyPI's provenance object for one file: the attestations and the Trusted Publisher that uploaded them. */
export function provenanceObject(
  publisher: { kind: 'GitHub'; repository: string; workflow: string; environment?: string | null },
  attestations: readonly unknown[],
): Record<string, unknown> {
  return {
    version: 1,
    attestation_bundles: [
      { publisher: { environment: null, ...publisher }, attestations: [...attestations] },
    ],
  };
}
