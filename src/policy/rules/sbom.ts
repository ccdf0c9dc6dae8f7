import type { SbomRule } from '../policy.ts';
import { plural, type Draft, type FamilyInput, type FamilyOutcome } from './draft.ts';
import { requireSigned } from './signatures.ts';
import { artifactSubject, describeArtifact, noArtifact, selectArtifacts } from './select.ts';

/** Each selected artifact has an SBOM of an accepted origin and, when asked, a verified SBOM attestation. */
export function checkSbom({ rule, evidence }: FamilyInput<SbomRule>): FamilyOutcome {
  const artifacts = selectArtifacts(evidence, rule.artifacts);
  const drafts: Draft[] = artifacts.length === 0 ? [noArtifact(rule.artifacts)] : [];
  for (const artifact of artifacts) {
    const subject = { ...artifactSubject(artifact), field: 'sbom' };
    if (!artifact.sbom) {
      drafts.push({
        kind: 'violation',
        code: 'SBOM_MISSING',
        message: `${describeArtifact(artifact)} has no SBOM.`,
        subject,
      });
    } else if (!rule.origins.includes(artifact.sbom.origin)) {
      drafts.push({
        kind: 'violation',
        code: 'SBOM_ORIGIN',
        message: `The SBOM of ${describeArtifact(artifact)} was ${artifact.sbom.origin}; the policy accepts ${rule.origins.join(' or ')} SBOMs.`,
        subject,
      });
    }
    if (rule.attested) {
      drafts.push(
        ...requireSigned(artifact, ['sbom-attestation'], rule.signers, {
          missing: 'SBOM_NOT_ATTESTED',
          untrusted: 'SBOM_ATTESTATION_UNTRUSTED',
          ok: 'SBOM_ATTESTED',
          noun: 'SBOM attestation',
        }),
      );
    }
  }
  return { drafts, checked: plural(artifacts.length, 'artifact') };
}
