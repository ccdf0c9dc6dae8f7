import { toStatement } from '../attest/statement.ts';
import type { Decision } from '../policy/decision.ts';
import type { ArtifactEvidence } from '../policy/evidence.ts';
import { toPurl } from '../shared/purl.ts';
import { parseDistributionFilename } from '../attest/pep740/dist-filename.ts';
import type { ArtifactRecord } from '../store/repos/releases.ts';

export const VSA_PREDICATE_TYPE = 'https://slsa.dev/verification_summary/v1';

export interface VsaInput {
  artifact: Pick<ArtifactRecord, 'kind' | 'name' | 'digest' | 'reference'>;
  /** The artifact's evidence as the approving decision judged it (its attestations become inputs). */
  evidence: ArtifactEvidence | undefined;
  decision: Decision;
  /** `verifier.id`: the gate's stable identity. */
  verifierId: string;
  verifierVersion: string;
  /** Where the policy can be fetched (`<public url>/api/v1/policies/<name>`). */
  policyUri: string;
  /** The release's API URL, for naming the attestations the decision used. */
  releaseUri: string;
}

/**
 * The resource a VSA is about, as a package URL: `pkg:oci/<name>@sha256:…?repository_url=<registry/repo>` for
 * an image, `pkg:pypi/<name>@<version>?file_name=…` for a wheel or sdist, `pkg:generic/<name>?checksum=…` for
 * any other file. Consumers (`slsa-verifier verify-vsa --resource-uri`) compare it exactly.
 */
export function resourceUriOf(
  artifact: Pick<ArtifactRecord, 'kind' | 'name' | 'digest' | 'reference'>,
): string {
  if (artifact.kind === 'image') {
    const repository = artifact.name;
    const last = repository.slice(repository.lastIndexOf('/') + 1);
    return toPurl({
      type: 'oci',
      name: last,
      version: artifact.digest,
      qualifiers: { repository_url: repository },
    });
  }
  const distribution = artifact.kind === 'file' ? undefined : parseDistributionFilename(artifact.name);
  if (distribution) {
    return toPurl({
      type: 'pypi',
      name: distribution.name,
      version: distribution.version,
      qualifiers: { file_name: artifact.name },
    });
  }
  return toPurl({ type: 'generic', name: artifact.name, qualifiers: { checksum: artifact.digest } });
}

/** SLSA v1's build track ends at L3; a VSA must not name an `SLSA_`-prefixed level the spec lacks. */
const MAX_BUILD_LEVEL = 3;

/** The highest SLSA Build level a verified provenance of the artifact supports (0 without one). */
export function verifiedBuildLevel(evidence: ArtifactEvidence | undefined): number {
  let level = 0;
  for (const a of evidence?.attestations ?? []) {
    if (a.verification.status !== 'verified' || a.kind !== 'slsa-provenance') continue;
    level = Math.max(level, a.provenance?.slsaLevel ?? 0);
  }
  return Math.min(level, MAX_BUILD_LEVEL);
}

/**
 * The in-toto statement of a SLSA Verification Summary Attestation v1 for one artifact of an approved
 * release: who verified (`verifier`), when, what (`resourceUri`, and the subject digest), against which
 * policy (URI and the sha256 of its canonical form, as the decision recorded it), from which attestations,
 * with what result and at which SLSA Build level.
 */
export function buildVsaStatement(input: VsaInput): Record<string, unknown> {
  const { artifact, decision } = input;
  const hex = artifact.digest.slice('sha256:'.length);
  const inputAttestations = (input.evidence?.attestations ?? [])
    .filter((a) => a.verification.status === 'verified' && a.bundleDigest?.startsWith('sha256:'))
    .map((a) => ({
      uri: `${input.releaseUri}/evidence#attestation=${a.kind}/${a.bundleDigest!.slice('sha256:'.length)}`,
      digest: { sha256: a.bundleDigest!.slice('sha256:'.length) },
    }))
    .sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  const evidenceHex = decision.inputs.evidence.slice('sha256:'.length);
  inputAttestations.push({ uri: `${input.releaseUri}/evidence`, digest: { sha256: evidenceHex } });
  return toStatement([{ name: artifact.name, digest: { sha256: hex } }], VSA_PREDICATE_TYPE, {
    verifier: { id: input.verifierId, version: { raygate: input.verifierVersion } },
    timeVerified: decision.evaluatedAt,
    resourceUri: resourceUriOf(artifact),
    policy: {
      uri: input.policyUri,
      digest: { sha256: decision.inputs.policy.digest.slice('sha256:'.length) },
    },
    inputAttestations,
    verificationResult: 'PASSED',
    verifiedLevels: [`SLSA_BUILD_LEVEL_${verifiedBuildLevel(input.evidence)}`],
    slsaVersion: '1.0',
  });
}
