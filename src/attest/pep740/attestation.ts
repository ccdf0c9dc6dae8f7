import { parseBundle } from '../bundle.ts';
import type { ParsedBundle } from '../bundle.ts';
import { attestError } from '../errors.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../statement.ts';

/**
 * A PEP 740 attestation object (version 1): the signing certificate and its transparency log entries,
 * and a DSSE envelope reduced to the in-toto statement and one signature. It is a Sigstore bundle with
 * the redundant parts removed, so it converts back into one (v0.3 when every log entry carries an
 * inclusion proof with a checkpoint, else v0.1 with inclusion promises) and is verified as a bundle.
 */
export interface Pep740Attestation {
  certificate: string;
  transparencyEntries: Record<string, unknown>[];
  statement: string;
  signature: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_ENTRIES = 16;

function malformed(message: string): never {
  throw attestError('PEP740_MALFORMED', `The PEP 740 attestation ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function base64(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || !BASE64.test(value) || value.length % 4 !== 0) {
    malformed(`has no base64 ${field}.`);
  }
  return value;
}

/** Checks the shape of a PEP 740 attestation object (already parsed from JSON). */
export function readPep740Attestation(json: unknown): Pep740Attestation {
  if (!isRecord(json)) malformed('is not a JSON object.');
  if (json.version !== 1) malformed(`has version ${JSON.stringify(json.version)}; only version 1 exists.`);
  const material = json.verification_material;
  if (!isRecord(material)) malformed('has no verification_material.');
  const entries = material.transparency_entries;
  if (!Array.isArray(entries) || entries.length === 0) malformed('has no transparency_entries.');
  if (entries.length > MAX_ENTRIES)
    malformed(`has ${entries.length} transparency entries; at most ${MAX_ENTRIES} are read.`);
  if (!entries.every(isRecord)) malformed('has a transparency entry that is not an object.');
  const envelope = json.envelope;
  if (!isRecord(envelope)) malformed('has no envelope.');
  return {
    certificate: base64(material.certificate, 'verification_material.certificate'),
    transparencyEntries: entries,
    statement: base64(envelope.statement, 'envelope.statement'),
    signature: base64(envelope.signature, 'envelope.signature'),
  };
}

/** The Sigstore bundle a PEP 740 attestation stands for. */
export function pep740ToBundle(attestation: Pep740Attestation): ParsedBundle {
  const proven = attestation.transparencyEntries.every((entry) => {
    const proof = entry.inclusionProof;
    return isRecord(proof) && isRecord(proof.checkpoint) && typeof proof.checkpoint.envelope === 'string';
  });
  const bundle = {
    mediaType: proven
      ? 'application/vnd.dev.sigstore.bundle.v0.3+json'
      : 'application/vnd.dev.sigstore.bundle+json;version=0.1',
    verificationMaterial: {
      ...(proven
        ? { certificate: { rawBytes: attestation.certificate } }
        : { x509CertificateChain: { certificates: [{ rawBytes: attestation.certificate }] } }),
      tlogEntries: attestation.transparencyEntries,
    },
    dsseEnvelope: {
      payload: attestation.statement,
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{ sig: attestation.signature, keyid: '' }],
    },
  };
  return parseBundle(JSON.stringify(bundle));
}
