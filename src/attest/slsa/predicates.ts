import { isSlsaProvenance } from './provenance.ts';

/** What a piece of evidence is, from its predicate type (or its absence: a plain signature). */
export type EvidenceKind =
  'signature' | 'provenance' | 'publish' | 'sbom' | 'vsa' | 'vulnerability-scan' | 'attestation';

export const EVIDENCE_KINDS: readonly EvidenceKind[] = [
  'signature',
  'provenance',
  'publish',
  'sbom',
  'vsa',
  'vulnerability-scan',
  'attestation',
];

export const PYPI_PUBLISH_V1 = 'https://docs.pypi.org/attestations/publish/v1';
export const CYCLONEDX_BOM = 'https://cyclonedx.org/bom';
export const SPDX_DOCUMENT = 'https://spdx.dev/Document';
export const SLSA_VSA_V1 = 'https://slsa.dev/verification_summary/v1';
const COSIGN_VULN = 'https://cosign.sigstore.dev/attestation/vuln/v1';

export function kindOfPredicate(predicateType: string | undefined): EvidenceKind {
  if (predicateType === undefined || predicateType === 'https://sigstore.dev/cosign/sign/v1')
    return 'signature';
  if (isSlsaProvenance(predicateType)) return 'provenance';
  if (predicateType === PYPI_PUBLISH_V1) return 'publish';
  // CycloneDX versions its predicate type (`https://cyclonedx.org/bom/v1.6`) in some producers.
  if (predicateType === CYCLONEDX_BOM || predicateType.startsWith(`${CYCLONEDX_BOM}/`)) return 'sbom';
  if (predicateType.startsWith(SPDX_DOCUMENT)) return 'sbom';
  if (predicateType === SLSA_VSA_V1 || predicateType === 'https://slsa.dev/verification_summary/v0.2')
    return 'vsa';
  if (predicateType === COSIGN_VULN) return 'vulnerability-scan';
  return 'attestation';
}
