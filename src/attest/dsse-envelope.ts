import { parseBundle } from './bundle.ts';
import type { ParsedBundle } from './bundle.ts';
import { attestError } from './errors.ts';

/**
 * A bare DSSE envelope (`{payloadType, payload, signatures: [{keyid, sig}]}`), the form key-signed
 * in-toto tooling writes: SLSA verification summaries signed by a verifier's key, `cosign attest --key`
 * output, in-toto attestors. Read as the Sigstore bundle it amounts to: a public-key bundle with no
 * certificate and no log entry, so it verifies with a key the user names (`--key`) and nothing else.
 * slsa-github-generator's older envelopes carry a certificate in the signature instead: their only
 * proof of time is a Rekor entry that is not in the file, so they are refused rather than half checked.
 */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON document that is a DSSE envelope rather than a Sigstore bundle. */
export function isDsseEnvelope(json: unknown): boolean {
  return (
    isRecord(json) &&
    json.mediaType === undefined &&
    typeof json.payloadType === 'string' &&
    typeof json.payload === 'string' &&
    Array.isArray(json.signatures)
  );
}

function malformed(message: string): never {
  throw attestError('DSSE_ENVELOPE_MALFORMED', `The DSSE envelope ${message}`);
}

export function dsseEnvelopeToBundle(json: unknown): ParsedBundle {
  if (!isDsseEnvelope(json) || !isRecord(json)) malformed('is not {payloadType, payload, signatures}.');
  const payload = json.payload as string;
  if (payload === '' || !BASE64.test(payload)) malformed('has no base64 payload.');
  const signatures = json.signatures as unknown[];
  if (signatures.length !== 1) {
    throw attestError(
      'DSSE_ENVELOPE_UNSUPPORTED',
      `The DSSE envelope has ${signatures.length} signatures; raygate verifies envelopes with exactly one.`,
    );
  }
  const signature = signatures[0];
  if (!isRecord(signature) || typeof signature.sig !== 'string' || !BASE64.test(signature.sig)) {
    malformed('has a signature without a base64 sig.');
  }
  if (signature.cert !== undefined) {
    throw attestError(
      'DSSE_ENVELOPE_UNSUPPORTED',
      'The DSSE envelope carries a certificate but no transparency log entry: give the Sigstore bundle instead.',
    );
  }
  const keyid = typeof signature.keyid === 'string' ? signature.keyid : '';
  return parseBundle(
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: { publicKey: { hint: keyid }, tlogEntries: [] },
      dsseEnvelope: {
        payload,
        payloadType: json.payloadType,
        signatures: [{ sig: signature.sig, keyid }],
      },
    }),
  );
}

/** A DER ECDSA signature: SEQUENCE { INTEGER r, INTEGER s }, nothing after it. */
function isDerSignature(sig: Buffer): boolean {
  if (sig.length < 8 || sig[0] !== 0x30 || sig[1] !== sig.length - 2) return false;
  let at = 2;
  for (let i = 0; i < 2; i++) {
    if (sig[at] !== 0x02) return false;
    const length = sig[at + 1]!;
    at += 2 + length;
    if (length === 0 || at > sig.length) return false;
  }
  return at === sig.length;
}

function derInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const body = bytes.subarray(start);
  const padded = body[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body;
  return Buffer.concat([Buffer.from([0x02, padded.length]), padded]);
}

/**
 * Some signers write ECDSA signatures as IEEE P1363 (r‖s, 64 bytes for P-256, 96 for P-384) rather
 * than DER, as Google's VSA signer does. For an EC key that is the same signature in another encoding:
 * re-encoded as DER so the one verifier can check it. Nothing else is changed; any other signature is
 * returned as is.
 */
export function withDerSignature(bundle: ParsedBundle, keyCurve: string | undefined): ParsedBundle {
  const content = bundle.bundle.content;
  if (content.$case !== 'dsseEnvelope' || content.dsseEnvelope.signatures.length !== 1) return bundle;
  const half = keyCurve === 'prime256v1' ? 32 : keyCurve === 'secp384r1' ? 48 : undefined;
  const sig = Buffer.from(content.dsseEnvelope.signatures[0]!.sig);
  if (half === undefined || sig.length !== half * 2 || isDerSignature(sig)) return bundle;
  const r = derInteger(sig.subarray(0, half));
  const s = derInteger(sig.subarray(half));
  const der = Buffer.concat([Buffer.from([0x30, r.length + s.length]), r, s]);
  const signature = { ...content.dsseEnvelope.signatures[0]!, sig: der };
  return {
    ...bundle,
    bundle: {
      ...bundle.bundle,
      content: { ...content, dsseEnvelope: { ...content.dsseEnvelope, signatures: [signature] } },
    },
  };
}
