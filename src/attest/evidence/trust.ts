import type { KeyObject } from 'node:crypto';
import type { TrustMaterial } from '@sigstore/verify';
import type { TrustedRoot } from '../trusted-root.ts';
import { toTrust } from '../trusted-root.ts';
import type { Thresholds } from '../verify.ts';

/**
 * The Sigstore instances raygate trusts for one run, each with the thresholds its bundles meet. A public
 * instance (public-good, staging) has transparency logs: a bundle needs a log entry, an SCT and a
 * verified time. A private instance without logs (GitHub's, for private repositories) signs a timestamp
 * instead: one RFC 3161 timestamp, no log entry, no SCT. Each bundle is verified against each instance
 * in turn, as `gh attestation verify` does with its two roots.
 */
export interface TrustInstance {
  name: string;
  root: TrustedRoot;
  trust: TrustMaterial;
  thresholds: Thresholds;
}

export function trustInstance(name: string, root: TrustedRoot, publicKey?: KeyObject): TrustInstance {
  const hasLogs = root.tlogs.length > 0;
  const hasCtLogs = root.ctlogs.length > 0;
  return {
    name,
    root,
    trust: toTrust(root, publicKey),
    thresholds: { tlog: hasLogs ? 1 : 0, ctlog: hasCtLogs ? 1 : 0, timestamp: 1 },
  };
}
