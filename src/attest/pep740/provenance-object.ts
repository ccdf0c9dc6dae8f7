import { attestError } from '../errors.ts';
import { readPep740Attestation } from './attestation.ts';
import type { Pep740Attestation } from './attestation.ts';
import { readPublisher } from './publisher.ts';
import type { TrustedPublisher } from './publisher.ts';

/**
 * A PEP 740 provenance object, as PyPI's Integrity API serves it for one file: attestation bundles, each
 * the attestations one Trusted Publisher made. An attestation that cannot be read is kept as a problem
 * next to the readable ones, so one bad entry does not hide the others.
 */
export interface Pep740Provenance {
  bundles: {
    publisher: TrustedPublisher;
    attestations: (
      { ok: true; attestation: Pep740Attestation } | { ok: false; code: string; message: string }
    )[];
  }[];
}

const MAX_BUNDLES = 16;
const MAX_ATTESTATIONS = 32;

function malformed(message: string): never {
  throw attestError('PEP740_MALFORMED', `The PEP 740 provenance object ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readPep740Provenance(json: unknown): Pep740Provenance {
  if (!isRecord(json)) malformed('is not a JSON object.');
  if (json.version !== 1) malformed(`has version ${JSON.stringify(json.version)}; only version 1 exists.`);
  const bundles = json.attestation_bundles;
  if (!Array.isArray(bundles) || bundles.length === 0) malformed('has no attestation_bundles.');
  if (bundles.length > MAX_BUNDLES)
    malformed(`has ${bundles.length} attestation bundles; at most ${MAX_BUNDLES} are read.`);
  return {
    bundles: bundles.map((bundle, i) => {
      if (!isRecord(bundle)) malformed(`attestation_bundles[${i}] is not an object.`);
      const attestations = bundle.attestations;
      if (!Array.isArray(attestations)) malformed(`attestation_bundles[${i}] has no attestations.`);
      if (attestations.length > MAX_ATTESTATIONS) {
        malformed(
          `attestation_bundles[${i}] has ${attestations.length} attestations; at most ${MAX_ATTESTATIONS} are read.`,
        );
      }
      return {
        publisher: readPublisher(bundle.publisher),
        attestations: attestations.map((a) => {
          try {
            return { ok: true as const, attestation: readPep740Attestation(a) };
          } catch (error) {
            const e = error as { code?: string; message?: string };
            return {
              ok: false as const,
              code: e.code ?? 'PEP740_MALFORMED',
              message: e.message ?? String(error),
            };
          }
        }),
      };
    }),
  };
}
