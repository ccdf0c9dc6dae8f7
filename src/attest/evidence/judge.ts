import type { SlsaBuildLevel } from '../slsa/build-level.ts';
import type { ArtifactKind, VerifyRules } from '../verify-policy.ts';
import type { EvidenceResult } from './evidence-result.ts';

/** The artifact a verdict is about. */
export interface ArtifactSubject {
  kind: ArtifactKind;
  /** What the user named (a file, `pypi:…`, an image reference, a digest). */
  name: string;
  sha256: string;
  /** For images: the resolved reference (`registry/repo@sha256:…`). */
  reference?: string;
}

/**
 * `pass`: every required piece of evidence verified for the expected identity and policy; `fail`: evidence
 * exists but a requirement is not met; `no-evidence`: nothing was found at all (a distinct outcome: not
 * the same as evidence that fails); `not-checked`: discovery could not complete (offline, unreachable).
 */
export type Verdict = 'pass' | 'fail' | 'no-evidence' | 'not-checked';

export interface DiscoveryProblem {
  code: string;
  message: string;
}

export interface ArtifactVerdict {
  artifact: ArtifactSubject;
  verdict: Verdict;
  reasons: string[];
  evidence: EvidenceResult[];
  /** The highest SLSA build level a verified provenance supports (0 when none). */
  slsaLevel: SlsaBuildLevel;
  problems: DiscoveryProblem[];
}

export function judgeArtifact(
  artifact: ArtifactSubject,
  evidence: readonly EvidenceResult[],
  rules: VerifyRules,
  problems: readonly DiscoveryProblem[] = [],
): ArtifactVerdict {
  const verified = evidence.filter((e) => e.status === 'verified');
  const slsaLevel = verified.reduce<SlsaBuildLevel>(
    (best, e) => (e.slsaLevel && e.slsaLevel.level > best ? e.slsaLevel.level : best),
    0,
  );
  const base = { artifact, evidence: [...evidence], slsaLevel, problems: [...problems] };
  if (evidence.length === 0) {
    if (problems.length > 0) {
      return { ...base, verdict: 'not-checked', reasons: problems.map((p) => `not checked: ${p.message}`) };
    }
    return { ...base, verdict: 'no-evidence', reasons: ['no signatures or attestations were found'] };
  }
  const reasons: string[] = [];
  for (const requirement of rules.require) {
    if (requirement === 'any') {
      if (verified.length === 0) reasons.push('no evidence verified');
    } else if (!verified.some((e) => e.kind === requirement)) {
      const found = evidence.filter((e) => e.kind === requirement);
      reasons.push(
        found.length === 0
          ? `no ${requirement} evidence was found`
          : `no ${requirement} evidence verified (${found.length} found: ${found.map((e) => e.error?.code ?? e.status).join(', ')})`,
      );
    }
  }
  if (rules.minSlsaLevel > 0 && slsaLevel < rules.minSlsaLevel) {
    reasons.push(`SLSA build level ${slsaLevel} is below the required ${rules.minSlsaLevel}`);
  }
  if (reasons.length === 0) return { ...base, verdict: 'pass', reasons: [] };
  return { ...base, verdict: 'fail', reasons };
}
