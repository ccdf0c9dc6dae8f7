import type { KeyObject } from 'node:crypto';
import type { TrustInstance } from '../../attest/evidence/trust.ts';
import { keyHint } from '../../attest/keys.ts';

/**
 * What the gate verifies signatures with: the Sigstore instances it trusts (certificate-signed bundles),
 * the public keys it accepts (key-signed bundles), and the identity of the trust material for replay.
 */
export interface TrustSet {
  instances: readonly TrustInstance[];
  keys: readonly KeyObject[];
  /** The trusted root the decision records (the first instance's), for `raygate policy test` replays. */
  snapshot?: { source: string; digest: string };
}

/** The configured keys whose hint is `hint` first, then the others (a bundle's hint may be empty). */
export function keysFor(trust: TrustSet, hint: string | undefined): KeyObject[] {
  if (!hint) return [...trust.keys];
  const matching = trust.keys.filter((k) => keyHint(k) === hint);
  return matching.length > 0 ? matching : [...trust.keys];
}
