import { parseBundle } from '../bundle.ts';
import type { Evidence } from '../evidence/evidence.ts';
import type { GithubAttestation } from './github-attestations-client.ts';

/** GitHub's attestations for one digest as evidence: each carries a Sigstore bundle (DSSE, in-toto). */
export function githubAttestationEvidence(
  attestations: readonly GithubAttestation[],
  url: string,
  subjectSha256: string,
): Evidence[] {
  return attestations.map((attestation, index) => {
    const base = {
      id: `github:${index}`,
      origin: {
        kind: 'github-attestations' as const,
        url,
        ...(attestation.repositoryId !== undefined ? { repositoryId: attestation.repositoryId } : {}),
      },
      format: 'sigstore-bundle' as const,
      subjectSha256,
    };
    if (attestation.bundle === null || attestation.bundle === undefined) {
      return {
        ...base,
        content: {
          kind: 'malformed' as const,
          code: attestation.bundleError?.code ?? 'EVIDENCE_UNSUPPORTED',
          message: attestation.bundleError?.message ?? 'GitHub returned neither a bundle nor a bundle_url.',
        },
      };
    }
    try {
      return {
        ...base,
        content: {
          kind: 'bundle' as const,
          bundle: parseBundle(JSON.stringify(attestation.bundle)),
          artifact: { kind: 'digest' as const, algorithm: 'sha256' as const, hex: subjectSha256 },
        },
      };
    } catch (error) {
      const e = error as { code?: string; message?: string };
      return {
        ...base,
        content: {
          kind: 'malformed' as const,
          code: e.code ?? 'BUNDLE_MALFORMED',
          message: e.message ?? String(error),
        },
      };
    }
  });
}
