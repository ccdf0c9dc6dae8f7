/**
 * Tampered copies of real bundles, one field at a time. Each returns a deep copy of the bundle JSON with one
 * thing altered the way an attacker (or a broken proxy) would alter it, or undefined when the bundle does not
 * carry that field.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const copy = (bundle: Json): Json => structuredClone(bundle);

function flipBase64Byte(value: string, index: (length: number) => number): string {
  const bytes = Buffer.from(value, 'base64');
  const i = index(bytes.length);
  bytes[i] = (bytes[i] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

function certificateField(bundle: Json): { holder: Json; key: string } | undefined {
  const material = bundle.verificationMaterial;
  if (material.certificate) return { holder: material.certificate, key: 'rawBytes' };
  if (material.x509CertificateChain?.certificates?.[0]) {
    return { holder: material.x509CertificateChain.certificates[0], key: 'rawBytes' };
  }
  return undefined;
}

export const TAMPERS = {
  /** The signed content: the DSSE statement (one character of its JSON), or a message signature's digest. */
  payload(bundle: Json): Json | undefined {
    const out = copy(bundle);
    if (out.dsseEnvelope) {
      const payload = Buffer.from(out.dsseEnvelope.payload, 'base64').toString('utf8');
      const altered = payload.replace(/"predicateType":\s*"/, (m) => `${m}x`);
      if (altered === payload) return undefined;
      out.dsseEnvelope.payload = Buffer.from(altered).toString('base64');
      return out;
    }
    out.messageSignature.messageDigest.digest = flipBase64Byte(
      out.messageSignature.messageDigest.digest,
      () => 0,
    );
    return out;
  },
  /** The last byte of the DER signature (inside the ECDSA `s` integer). */
  signature(bundle: Json): Json | undefined {
    const out = copy(bundle);
    const holder = out.dsseEnvelope ? out.dsseEnvelope.signatures[0] : out.messageSignature;
    const field = out.dsseEnvelope ? 'sig' : 'signature';
    holder[field] = flipBase64Byte(holder[field], (n) => n - 1);
    return out;
  },
  /** One character of the identity inside the signed certificate (its SAN), which keeps the DER valid. */
  certificate(bundle: Json): Json | undefined {
    const out = copy(bundle);
    const field = certificateField(out);
    if (!field) return undefined;
    const der = Buffer.from(field.holder[field.key], 'base64');
    // Fulcio SAN values are URIs or email addresses; flip the case of a letter inside the first one found.
    const marker = ['https://', '@'].map((m) => der.indexOf(Buffer.from(m))).find((i) => i > 0);
    if (marker === undefined) return undefined;
    let i = marker;
    while (i < der.length && !/[a-z]/.test(String.fromCharCode(der[i]!))) i++;
    der[i] = der[i]! ^ 0x20;
    field.holder[field.key] = der.toString('base64');
    return out;
  },
  /** A sibling hash of the Merkle inclusion proof. */
  inclusionProof(bundle: Json): Json | undefined {
    const out = copy(bundle);
    const proof = out.verificationMaterial.tlogEntries?.[0]?.inclusionProof;
    if (!proof?.hashes?.length) return undefined;
    proof.hashes[0] = flipBase64Byte(proof.hashes[0], () => 0);
    return out;
  },
  /** The root hash line of the signed checkpoint. */
  checkpoint(bundle: Json): Json | undefined {
    const out = copy(bundle);
    const checkpoint = out.verificationMaterial.tlogEntries?.[0]?.inclusionProof?.checkpoint;
    if (!checkpoint?.envelope) return undefined;
    const lines: string[] = checkpoint.envelope.split('\n');
    lines[2] = flipBase64Byte(lines[2]!, () => 0);
    checkpoint.envelope = lines.join('\n');
    return out;
  },
  /** The log's integrated time, one second later (still inside the certificate's validity). */
  integratedTime(bundle: Json): Json | undefined {
    const out = copy(bundle);
    const entry = out.verificationMaterial.tlogEntries?.[0];
    if (!entry?.inclusionPromise || !entry.integratedTime || entry.integratedTime === '0') return undefined;
    entry.integratedTime = String(Number(entry.integratedTime) + 1);
    return out;
  },
  /** The last byte of the first RFC 3161 timestamp (its signature). */
  timestamp(bundle: Json): Json | undefined {
    const out = copy(bundle);
    const ts = out.verificationMaterial.timestampVerificationData?.rfc3161Timestamps?.[0];
    if (!ts) return undefined;
    ts.signedTimestamp = flipBase64Byte(ts.signedTimestamp, (n) => n - 1);
    return out;
  },
} as const;

export type TamperName = keyof typeof TAMPERS;

/** The code each tampering must produce. */
export const EXPECTED_CODE: Record<TamperName, string> = {
  payload: 'BUNDLE_SIGNATURE_INVALID',
  signature: 'BUNDLE_SIGNATURE_INVALID',
  certificate: 'BUNDLE_CERTIFICATE_INVALID',
  inclusionProof: 'BUNDLE_TLOG_INCLUSION_INVALID',
  checkpoint: 'BUNDLE_CHECKPOINT_INVALID',
  integratedTime: 'BUNDLE_TLOG_PROMISE_INVALID',
  timestamp: 'BUNDLE_TIMESTAMP_INVALID',
};
