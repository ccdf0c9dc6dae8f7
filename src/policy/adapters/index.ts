/** Pure adapters from engine outputs to policy evidence: the gate calls the engines, then these. */
export {
  toAttestationEvidence,
  toSigner,
  DEFAULT_L3_BUILDERS,
  type AttestationInput,
  type AttestationOptions,
} from './attestation.ts';
export { toDependencyEvidence, toLockFileEvidence, uploadKey, type UploadInfo } from './pins.ts';
export { toRayEvidence } from './ray.ts';
export { toReleaseEvidence, type ReleaseEvidenceParts } from './release.ts';
export { toSbomEvidence, type SbomOrigin } from './sbom.ts';
export { readSlsaProvenance } from './slsa-provenance.ts';
export { toAdvisorySnapshot, toTrustedRootSnapshot } from './snapshots.ts';
export { toVulnerabilityEvidence } from './vulnerabilities.ts';
