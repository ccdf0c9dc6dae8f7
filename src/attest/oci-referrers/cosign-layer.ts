import { createHash, X509Certificate as NodeCertificate } from 'node:crypto';
import { parseBundle } from '../bundle.ts';
import type { ParsedBundle } from '../bundle.ts';
import { attestError, messageOf } from '../errors.ts';
import type { Evidence, EvidenceOrigin } from '../evidence/evidence.ts';
import { parseStatement } from '../statement.ts';
import { ATTACHMENT_TYPES, COSIGN_ANNOTATIONS } from './media-types.ts';

/**
 * cosign's legacy attachment layout (the `sha256-<hex>.sig` / `.att` tags, and `cosign save` layouts): one
 * layer per signature, the signed payload as the blob, and the rest in annotations: the base64 signature,
 * the PEM certificate and chain, the Rekor entry as `{SignedEntryTimestamp, Payload: {body,
 * integratedTime, logIndex, logID}}`, and optionally an RFC 3161 timestamp. Converted here into the
 * Sigstore bundle (v0.1, inclusion promise) it amounts to, so the one verifier checks the signature, the
 * certificate chain at the logged time, the signed entry timestamp (SET) and that the log body records
 * this signature.
 */

const MAX_ANNOTATION = 256 * 1024;

function annotation(annotations: Record<string, string>, key: string): string | undefined {
  const value = annotations[key];
  if (value === undefined || value === '') return undefined;
  if (value.length > MAX_ANNOTATION)
    throw attestError('COSIGN_SIGNATURE_MALFORMED', `The ${key} annotation is too large.`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function leafDerBase64(pem: string): string {
  try {
    return new NodeCertificate(pem).raw.toString('base64');
  } catch (error) {
    throw attestError(
      'COSIGN_SIGNATURE_MALFORMED',
      `The signing certificate annotation is not a PEM certificate: ${messageOf(error)}.`,
    );
  }
}

/** The Rekor entry of cosign's bundle annotation, as a bundle's tlog entry. */
function tlogEntry(bundleAnnotation: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(bundleAnnotation);
  } catch {
    throw attestError('COSIGN_SIGNATURE_MALFORMED', 'The cosign bundle annotation is not JSON.');
  }
  if (!isRecord(json) || !isRecord(json.Payload) || typeof json.SignedEntryTimestamp !== 'string') {
    throw attestError(
      'COSIGN_SIGNATURE_MALFORMED',
      'The cosign bundle annotation has no SignedEntryTimestamp and Payload.',
    );
  }
  const payload = json.Payload;
  const { body, integratedTime, logIndex, logID } = payload;
  if (
    typeof body !== 'string' ||
    typeof integratedTime !== 'number' ||
    typeof logIndex !== 'number' ||
    typeof logID !== 'string' ||
    !/^[0-9a-f]{64}$/i.test(logID)
  ) {
    throw attestError(
      'COSIGN_SIGNATURE_MALFORMED',
      'The cosign bundle annotation lacks body, integratedTime, logIndex or logID.',
    );
  }
  let kind: { kind: string; version: string };
  try {
    const decoded = JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as {
      kind?: unknown;
      apiVersion?: unknown;
    };
    if (typeof decoded.kind !== 'string' || typeof decoded.apiVersion !== 'string')
      throw new Error('no kind');
    kind = { kind: decoded.kind, version: decoded.apiVersion };
  } catch {
    throw attestError(
      'COSIGN_SIGNATURE_MALFORMED',
      'The Rekor entry body in the cosign bundle annotation cannot be read.',
    );
  }
  return {
    logIndex: String(logIndex),
    logId: { keyId: Buffer.from(logID, 'hex').toString('base64') },
    kindVersion: kind,
    integratedTime: String(integratedTime),
    inclusionPromise: { signedEntryTimestamp: json.SignedEntryTimestamp },
    canonicalizedBody: body,
  };
}

function rfc3161(annotationValue: string | undefined): Record<string, unknown> | undefined {
  if (!annotationValue) return undefined;
  try {
    const json = JSON.parse(annotationValue) as { SignedRFC3161Timestamp?: unknown };
    if (typeof json.SignedRFC3161Timestamp === 'string') {
      return { rfc3161Timestamps: [{ signedTimestamp: json.SignedRFC3161Timestamp }] };
    }
  } catch {
    // fall through
  }
  throw attestError('COSIGN_SIGNATURE_MALFORMED', 'The RFC 3161 timestamp annotation cannot be read.');
}

function toBundle(annotations: Record<string, string>, content: Record<string, unknown>): ParsedBundle {
  const certificate = annotation(annotations, COSIGN_ANNOTATIONS.certificate);
  const bundleAnnotation = annotation(annotations, COSIGN_ANNOTATIONS.bundle);
  const timestamps = rfc3161(annotation(annotations, COSIGN_ANNOTATIONS.rfc3161));
  const bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
    verificationMaterial: {
      ...(certificate
        ? { x509CertificateChain: { certificates: [{ rawBytes: leafDerBase64(certificate) }] } }
        : { publicKey: { hint: '' } }),
      tlogEntries: bundleAnnotation ? [tlogEntry(bundleAnnotation)] : [],
      ...(timestamps ? { timestampVerificationData: timestamps } : {}),
    },
    ...content,
  };
  return parseBundle(JSON.stringify(bundle));
}

/** The image digest a simple-signing payload says it signs. */
function signedManifestDigest(payload: Uint8Array): string {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    throw attestError('COSIGN_SIGNATURE_MALFORMED', 'The signed payload is not JSON.');
  }
  const digest =
    isRecord(json) && isRecord(json.critical) && isRecord(json.critical.image)
      ? json.critical.image['docker-manifest-digest']
      : undefined;
  if (typeof digest !== 'string')
    throw attestError('COSIGN_SIGNATURE_MALFORMED', 'The signed payload names no docker-manifest-digest.');
  return digest;
}

/** One cosign signature or attestation layer (its blob already fetched and digest-checked) as evidence. */
export function cosignLayerEvidence(
  layer: { mediaType: string; annotations?: Record<string, string> },
  blob: Uint8Array,
  subjectSha256: string,
  origin: EvidenceOrigin,
  id: string,
): Evidence {
  const annotations = layer.annotations ?? {};
  const base = { id, origin, subjectSha256 };
  try {
    if (layer.mediaType === ATTACHMENT_TYPES.simpleSigning) {
      const signature = annotation(annotations, COSIGN_ANNOTATIONS.signature);
      if (!signature)
        throw attestError('COSIGN_SIGNATURE_MALFORMED', 'The layer has no signature annotation.');
      const bundle = toBundle(annotations, {
        messageSignature: {
          messageDigest: {
            algorithm: 'SHA2_256',
            digest: createHash('sha256').update(blob).digest('base64'),
          },
          signature,
        },
      });
      return {
        ...base,
        format: 'cosign-simple-signing',
        signedManifestDigest: signedManifestDigest(blob),
        content: { kind: 'bundle', bundle, artifact: { kind: 'bytes', bytes: blob } },
      };
    }
    // An attestation: the blob is the DSSE envelope itself (its signature annotation is empty).
    let envelope: unknown;
    try {
      envelope = JSON.parse(Buffer.from(blob).toString('utf8'));
    } catch {
      throw attestError('COSIGN_SIGNATURE_MALFORMED', 'The attestation layer is not a JSON DSSE envelope.');
    }
    if (
      !isRecord(envelope) ||
      typeof envelope.payload !== 'string' ||
      typeof envelope.payloadType !== 'string' ||
      !Array.isArray(envelope.signatures)
    ) {
      throw attestError('COSIGN_SIGNATURE_MALFORMED', 'The attestation layer is not a DSSE envelope.');
    }
    const bundle = toBundle(annotations, {
      dsseEnvelope: {
        payload: envelope.payload,
        payloadType: envelope.payloadType,
        signatures: envelope.signatures,
      },
    });
    return {
      ...base,
      format: 'cosign-dsse',
      content: {
        kind: 'bundle',
        bundle,
        artifact: { kind: 'digest', algorithm: 'sha256', hex: subjectSha256 },
      },
    };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return {
      ...base,
      format: layer.mediaType === ATTACHMENT_TYPES.simpleSigning ? 'cosign-simple-signing' : 'cosign-dsse',
      content: {
        kind: 'malformed',
        code: e.code ?? 'COSIGN_SIGNATURE_MALFORMED',
        message: e.message ?? String(error),
      },
    };
  }
}

/** An unsigned in-toto statement layer (buildkit attestation manifests). */
export function unsignedStatementEvidence(
  blob: Uint8Array,
  subjectSha256: string,
  origin: EvidenceOrigin,
  id: string,
): Evidence {
  const base = { id, origin, subjectSha256, format: 'in-toto-unsigned' as const };
  try {
    return { ...base, content: { kind: 'unsigned', statement: parseStatement(blob) } };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return {
      ...base,
      content: {
        kind: 'malformed',
        code: e.code ?? 'BUNDLE_STATEMENT_INVALID',
        message: e.message ?? String(error),
      },
    };
  }
}
