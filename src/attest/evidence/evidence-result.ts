import type { TrustedPublisher } from '../pep740/publisher.ts';
import type { SlsaBuildLevel } from '../slsa/build-level.ts';
import type { EvidenceKind } from '../slsa/predicates.ts';
import type { ProvenanceFacts } from '../slsa/provenance.ts';
import type { SbomFacts } from '../slsa/sbom-predicate.ts';
import type { VsaFacts } from '../slsa/vsa.ts';
import type { EvidenceFormat, EvidenceOrigin } from './evidence.ts';

/** Who signed, as the verified certificate (or key) says. */
export interface SignerSummary {
  identity?: string;
  issuer?: string;
  sourceRepository?: string;
  sourceRef?: string;
  buildConfig?: string;
  buildSigner?: string;
  runnerEnvironment?: string;
  keyHint?: string;
  /** The trust instance that verified it (public-good, staging, a private instance). */
  instance?: string;
}

/**
 * What one piece of evidence proved. `verified`: signature, trust chain, log or timestamp, subject and
 * identity all check out and the policy has no objection; `rejected`: it verified but the identity or the
 * policy refuses it; `failed`: it does not verify; `unsigned`: a statement nobody signed; `malformed`: unreadable.
 */
export type EvidenceStatus = 'verified' | 'rejected' | 'failed' | 'unsigned' | 'malformed';

export interface EvidenceResult {
  id: string;
  origin: EvidenceOrigin;
  format: EvidenceFormat;
  kind: EvidenceKind;
  predicateType?: string;
  status: EvidenceStatus;
  /** Why it is not verified (the first check that failed). */
  error?: { code: string; message: string };
  /** Policy objections to a cryptographically valid piece (identity, builder, source, level). */
  objections: string[];
  notes: string[];
  signer?: SignerSummary;
  publisher?: TrustedPublisher;
  provenance?: ProvenanceFacts;
  slsaLevel?: { level: SlsaBuildLevel; why: string };
  sbom?: SbomFacts;
  vsa?: VsaFacts;
  /** Verified signing times. */
  signedAt?: string;
}
