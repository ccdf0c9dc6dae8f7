import type { ArtifactEvidence, AttestationEvidence } from '../evidence.ts';
import type { IdentityRequirement, SignaturesRule } from '../policy.ts';
import { plural, type Draft, type FamilyInput, type FamilyOutcome } from './draft.ts';
import { describeSigner, matchIdentities } from './identity.ts';
import { artifactSubject, describeArtifact, noArtifact, selectArtifacts, shortDigest } from './select.ts';

/** Each selected artifact carries a verified signature from one of the accepted signers. */
export function checkSignatures({ rule, evidence }: FamilyInput<SignaturesRule>): FamilyOutcome {
  const artifacts = selectArtifacts(evidence, rule.artifacts);
  const drafts: Draft[] = artifacts.length === 0 ? [noArtifact(rule.artifacts)] : [];
  for (const artifact of artifacts) {
    drafts.push(
      ...requireSigned(artifact, rule.kinds, rule.identities, {
        missing: 'SIGNATURE_MISSING',
        untrusted: 'SIGNATURE_UNTRUSTED',
        ok: 'SIGNATURE_VERIFIED',
        noun: 'signature',
      }),
    );
  }
  return { drafts, checked: plural(artifacts.length, 'artifact') };
}

/**
 * Passes (one info reason) when a verified attestation of one of `kinds` was signed by one of `signers`
 * (any verified signer when the list is empty); otherwise one violation per candidate, saying why it does
 * not count, or one saying there is none.
 */
export function requireSigned(
  artifact: ArtifactEvidence,
  kinds: readonly string[],
  signers: readonly IdentityRequirement[],
  codes: { missing: string; untrusted: string; ok: string; noun: string },
): Draft[] {
  const candidates = artifact.attestations.filter((a) => kinds.includes(a.kind));
  const subject = artifactSubject(artifact);
  if (candidates.length === 0) {
    return [
      {
        kind: 'violation',
        code: codes.missing,
        message: `${describeArtifact(artifact)} has no ${codes.noun} (looked for: ${kinds.join(', ')}).`,
        subject,
      },
    ];
  }
  const rejected: Draft[] = [];
  for (const candidate of candidates) {
    const why = rejection(candidate, signers);
    const named = { ...subject, attestation: nameOf(candidate) };
    if (why === undefined) {
      return [
        {
          kind: 'info',
          code: codes.ok,
          message: `${describeArtifact(artifact)}: ${nameOf(candidate)} verified, signed by ${describeSigner(candidate.signer)}.`,
          subject: named,
        },
      ];
    }
    rejected.push({
      kind: 'violation',
      code: codes.untrusted,
      message: `${describeArtifact(artifact)}: ${nameOf(candidate)} does not count: ${why}.`,
      subject: named,
    });
  }
  return rejected;
}

function rejection(
  candidate: AttestationEvidence,
  signers: readonly IdentityRequirement[],
): string | undefined {
  if (candidate.verification.status === 'failed') {
    return `verification failed (${candidate.verification.code}): ${candidate.verification.message.replace(/\.$/, '')}`;
  }
  const match = matchIdentities(candidate.signer, signers);
  if (!match.matched)
    return `signed by ${describeSigner(candidate.signer)}, not an accepted signer (${match.why.join('; ')})`;
  return undefined;
}

/** `slsa-provenance from oci-referrers (sha256:ab12…)`. */
export function nameOf(attestation: AttestationEvidence): string {
  return `${attestation.kind} from ${attestation.source}${attestation.bundleDigest ? ` (${shortDigest(attestation.bundleDigest)})` : ''}`;
}
