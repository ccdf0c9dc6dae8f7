import type { ReasonSubject } from '../decision.ts';
import type { ArtifactEvidence, ReleaseEvidence } from '../evidence.ts';
import { anyGlob } from '../matchers.ts';
import type { ArtifactSelector } from '../policy.ts';

/** The artifacts a rule applies to. */
export function selectArtifacts(evidence: ReleaseEvidence, selector: ArtifactSelector): ArtifactEvidence[] {
  return evidence.artifacts.filter(
    (a) =>
      (selector.kinds.length === 0 || selector.kinds.includes(a.kind)) && anyGlob(selector.names, a.name),
  );
}

/** `image ghcr.io/acme/ray (sha256:0123abcd…)`: how reasons name an artifact. */
export function describeArtifact(artifact: ArtifactEvidence): string {
  return `${artifact.kind} ${artifact.name} (${shortDigest(artifact.digest)})`;
}

export function artifactSubject(artifact: ArtifactEvidence): ReasonSubject {
  return { artifact: artifact.digest, artifactName: artifact.name };
}

export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.includes(':') ? digest.split(':', 2) : ['', digest];
  const short = (hex ?? '').length > 12 ? `${hex!.slice(0, 12)}…` : (hex ?? '');
  return algorithm ? `${algorithm}:${short}` : short;
}

/** The selector in words, for "no artifact matches" reasons. */
export function describeSelector(selector: ArtifactSelector): string {
  const kinds = selector.kinds.length > 0 ? selector.kinds.join(' or ') : 'artifact';
  return selector.names.length > 0 ? `${kinds} named ${selector.names.join(', ')}` : kinds;
}

/** A reason that the rule had nothing to judge: information, never a silent pass. */
export function noArtifact(selector: ArtifactSelector): {
  kind: 'info';
  code: string;
  message: string;
  subject: ReasonSubject;
} {
  return {
    kind: 'info',
    code: 'NO_MATCHING_ARTIFACT',
    message: `The release has no ${describeSelector(selector)}: nothing to check.`,
    subject: {},
  };
}
