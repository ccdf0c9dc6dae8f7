/** What an SLSA Verification Summary Attestation (v1) says: who verified what, against which policy, with what result. */
export interface VsaFacts {
  verifierId?: string;
  timeVerified?: string;
  resourceUri?: string;
  policyUri?: string;
  /** The sha256 (hex) of the policy, as `policy.digest.sha256` gives it. */
  policyDigest?: string;
  result?: 'PASSED' | 'FAILED';
  verifiedLevels: string[];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function readVsa(predicate: unknown): VsaFacts | undefined {
  const body = record(predicate);
  if (!body) return undefined;
  const facts: VsaFacts = { verifiedLevels: [] };
  const verifier = text(record(body.verifier)?.id);
  if (verifier) facts.verifierId = verifier;
  const time = text(body.timeVerified);
  if (time) facts.timeVerified = time;
  const resource = text(body.resourceUri);
  if (resource) facts.resourceUri = resource;
  const policy = text(record(body.policy)?.uri);
  if (policy) facts.policyUri = policy;
  const policyDigest = text(record(record(body.policy)?.digest)?.sha256);
  if (policyDigest) facts.policyDigest = policyDigest.toLowerCase();
  if (body.verificationResult === 'PASSED' || body.verificationResult === 'FAILED') {
    facts.result = body.verificationResult;
  }
  if (Array.isArray(body.verifiedLevels)) {
    facts.verifiedLevels = body.verifiedLevels.filter((l): l is string => typeof l === 'string').slice(0, 50);
  }
  return facts;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
