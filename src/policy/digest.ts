import { canonicalJson } from '../shared/canonical-json.ts';
import { hexDigest } from '../shared/digest.ts';
import type { Digest, ReleaseEvidence } from './evidence.ts';
import type { Policy } from './policy.ts';

/** sha256 of the policy's canonical JSON (normalised): formatting, comments and spelled-out defaults do not change it. */
export function policyDigest(policy: Policy): Digest {
  return `sha256:${hexDigest('sha256', canonicalJson(policy))}`;
}

/** sha256 of the evidence's canonical JSON. */
export function evidenceDigest(evidence: ReleaseEvidence): Digest {
  return `sha256:${hexDigest('sha256', canonicalJson(evidence))}`;
}
