import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Bundle, TransparencyLogEntry } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { toSignedEntity, Verifier } from '@sigstore/verify';
import type { SignedEntity, TrustMaterial, VerifierOptions } from '@sigstore/verify';
import { isRaygateError } from '../shared/errors.ts';
import type { ParsedBundle } from './bundle.ts';
import { digestSignatureContent } from './digest-signature.ts';
import { attestError, fromVerificationError, messageOf } from './errors.ts';
import { readSignerCertificate } from './fulcio-certificate.ts';
import type { SignerCertificate } from './fulcio-certificate.ts';
import { checkIdentity } from './identity-policy.ts';
import type { IdentityPolicy } from './identity-policy.ts';
import { artifactDigests, findSubject, IN_TOTO_PAYLOAD_TYPE, parseStatement } from './statement.ts';
import type { ArtifactInput, Subject } from './statement.ts';

/** Who must have signed: a certificate identity (keyless), or the holder of one public key. */
export type SignerExpectation =
  { kind: 'identity'; policy: IdentityPolicy } | { kind: 'key'; publicKey: KeyObject };

/** Minimum counts for keyless bundles; key-signed bundles always use 0 for all three. */
export interface Thresholds {
  tlog: number;
  ctlog: number;
  timestamp: number;
}

export const KEYLESS_THRESHOLDS: Thresholds = { tlog: 1, ctlog: 1, timestamp: 1 };

export interface VerifiedLogEntry {
  logIndex: string;
  logId: string;
  kind: string;
  version: string;
  integratedTime: string | null;
  inclusionPromise: boolean;
  inclusionProof: { logIndex: string; treeSize: string; checkpointOrigin: string | null } | null;
}

export interface VerifiedBundle {
  mediaType: string;
  bundleVersion: string;
  content: 'message-signature' | 'dsse';
  artifact: { sha256: string };
  signer:
    | ({ kind: 'certificate'; identity: string | undefined } & SignerCertificate)
    | { kind: 'public-key'; hint: string };
  tlogEntries: VerifiedLogEntry[];
  /** The verified times the signature is known to have existed at (the certificate was checked at each). */
  timestamps: { source: 'rfc3161' | 'transparency-log'; time: string }[];
  payloadType?: string;
  statement?: { type: string; predicateType: string; subjects: Subject[]; matchedSubject: Subject };
}

const MESSAGE_DIGEST_ALGORITHMS: Partial<Record<HashAlgorithm, 'sha256' | 'sha384' | 'sha512'>> = {
  [HashAlgorithm.SHA2_256]: 'sha256',
  [HashAlgorithm.SHA2_384]: 'sha384',
  [HashAlgorithm.SHA2_512]: 'sha512',
};

function signatureVerifies(entity: SignedEntity, expectation: SignerExpectation): boolean {
  const key =
    expectation.kind === 'key'
      ? expectation.publicKey
      : entity.key.$case === 'certificate'
        ? createPublicKey({ key: entity.key.certificate.publicKey, format: 'der', type: 'spki' })
        : undefined;
  if (!key) return true;
  try {
    return entity.signature.verifySignature(key);
  } catch {
    return false;
  }
}

/** Checks a message signature's digest against the artifact before anything else, for a precise error. */
function checkMessageDigest(bundle: Bundle, artifact: ArtifactInput): void {
  if (bundle.content.$case !== 'messageSignature') return;
  const { algorithm, digest } = bundle.content.messageSignature.messageDigest;
  const name = MESSAGE_DIGEST_ALGORITHMS[algorithm];
  if (name === undefined) {
    throw attestError(
      'BUNDLE_UNSUPPORTED',
      `The bundle's message digest algorithm (${algorithm}) is not supported.`,
    );
  }
  let actual: string;
  if (artifact.kind === 'digest') {
    if (name !== artifact.algorithm) {
      throw attestError(
        'ARTIFACT_DIGEST_UNSUPPORTED',
        `The bundle signs a ${name} digest; pass the artifact file rather than its ${artifact.algorithm} digest.`,
      );
    }
    actual = artifact.hex;
  } else {
    actual = createHash(name).update(artifact.bytes).digest('hex');
  }
  const signed = Buffer.from(digest).toString('hex');
  if (actual !== signed) {
    throw attestError(
      'BUNDLE_DIGEST_MISMATCH',
      `The artifact's ${name} is ${actual}, but the bundle signs ${signed}: this bundle is not for this artifact.`,
      { algorithm: name, artifact: actual, signed },
    );
  }
}

function toEntity(bundle: Bundle, artifact: ArtifactInput): SignedEntity {
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(
      bundle,
      artifact.kind === 'bytes' ? Buffer.from(artifact.bytes) : Buffer.alloc(0),
    );
    // Read every signed time now: an unreadable one is malformed input, not a verification failure.
    entity.timestamps.forEach((timestamp) => {
      if (timestamp.$case === 'timestamp-authority') void timestamp.timestamp.signingTime;
    });
  } catch (error) {
    throw attestError(
      'BUNDLE_MALFORMED',
      `The bundle's verification material cannot be read: ${messageOf(error)}.`,
      {},
      error,
    );
  }
  if (bundle.content.$case !== 'messageSignature') return entity;
  if (artifact.kind === 'digest') {
    return {
      ...entity,
      signature: digestSignatureContent(bundle.content.messageSignature, Buffer.from(artifact.hex, 'hex')),
    };
  }
  // EdDSA signs the message itself; @sigstore/verify always passes a digest algorithm, which Node refuses
  // for Ed25519, so an Ed25519 message signature is checked here with Node's own verify.
  const base = entity.signature;
  const data = Buffer.from(artifact.bytes);
  return {
    ...entity,
    signature: {
      signature: base.signature,
      compareSignature: (signature) => base.compareSignature(signature),
      compareDigest: (digest) => base.compareDigest(digest),
      compareSignedDigest: (digest) => base.compareSignedDigest(digest),
      verifySignature: (key) => {
        if (key.asymmetricKeyType !== 'ed25519' && key.asymmetricKeyType !== 'ed448')
          return base.verifySignature(key);
        try {
          return nodeVerify(null, data, key, base.signature);
        } catch {
          return false;
        }
      },
    },
  };
}

function checkSignerMaterial(bundle: Bundle, expectation: SignerExpectation): void {
  const material = bundle.verificationMaterial.content.$case;
  if (expectation.kind === 'key' && material !== 'publicKey') {
    throw attestError(
      'BUNDLE_KEY_MISMATCH',
      'The bundle is signed with a certificate, not with a key: verify it with an identity (--certificate-identity …), not --key.',
    );
  }
  if (expectation.kind === 'identity' && material === 'publicKey') {
    throw attestError(
      'BUNDLE_IDENTITY_MISMATCH',
      'The bundle is signed with a key and carries no certificate identity: verify it with --key.',
    );
  }
}

function summarizeLogEntry(entry: TransparencyLogEntry): VerifiedLogEntry {
  const proof = entry.inclusionProof;
  const integrated =
    entry.integratedTime && entry.integratedTime !== '0' ? Number(entry.integratedTime) : undefined;
  return {
    logIndex: entry.logIndex,
    logId: Buffer.from(entry.logId.keyId).toString('hex'),
    kind: entry.kindVersion.kind,
    version: entry.kindVersion.version,
    integratedTime: integrated === undefined ? null : new Date(integrated * 1000).toISOString(),
    inclusionPromise: entry.inclusionPromise !== undefined,
    inclusionProof: proof
      ? {
          logIndex: proof.logIndex,
          treeSize: proof.treeSize,
          checkpointOrigin: proof.checkpoint?.envelope.split('\n', 1)[0] ?? null,
        }
      : null,
  };
}

function describeDigests(digests: Record<string, string>): string {
  const [algorithm, value] = Object.entries(digests)[0] ?? ['sha256', ''];
  return `${algorithm} ${value}`;
}

function checkDsseSubject(bundle: Bundle, artifact: ArtifactInput, result: VerifiedBundle): void {
  if (bundle.content.$case !== 'dsseEnvelope') return;
  const envelope = bundle.content.dsseEnvelope;
  result.payloadType = envelope.payloadType;
  const digests = artifactDigests(artifact);
  if (envelope.payloadType === IN_TOTO_PAYLOAD_TYPE) {
    // @sigstore/verify checks the envelope's signature but not what it is about: without this a
    // signed statement about some other artifact would "verify" any file.
    const statement = parseStatement(envelope.payload);
    const matched = findSubject(statement, digests);
    if (!matched) {
      throw attestError(
        'BUNDLE_SUBJECT_MISMATCH',
        `The artifact (${describeDigests(digests)}) is not a subject of the signed statement (subjects: ${statement.subjects
          .slice(0, 5)
          .map((s) => s.name || Object.values(s.digest)[0])
          .join(', ')}${statement.subjects.length > 5 ? ', …' : ''}).`,
        { artifact: digests, subjects: statement.subjects.slice(0, 20) },
      );
    }
    result.statement = {
      type: statement.type,
      predicateType: statement.predicateType,
      subjects: statement.subjects,
      matchedSubject: matched,
    };
    return;
  }
  // Any other payload type signs the payload itself, which must then be the artifact.
  const payloadDigest = createHash('sha256').update(envelope.payload).digest('hex');
  if (payloadDigest !== digests.sha256) {
    throw attestError(
      'BUNDLE_SUBJECT_MISMATCH',
      `The envelope's ${envelope.payloadType} payload (sha256 ${payloadDigest}) is not the artifact (sha256 ${digests.sha256}).`,
      { artifact: digests.sha256, payload: payloadDigest },
    );
  }
}

/**
 * Verifies a parsed bundle against an artifact, trust material and the expected signer. Pure: all
 * inputs are given, nothing is read or fetched. Throws a RaygateError naming the check that failed;
 * returns what was verified.
 *
 * Order: the artifact's digest, then the signature (so a tampered payload or signature is reported as
 * such), then the rest through @sigstore/verify (timestamps, certificate chain and SCTs at the signed
 * times, log inclusion and body), then the signer's identity, then what a DSSE statement is about.
 */
export function verifyBundle(
  parsed: ParsedBundle,
  artifact: ArtifactInput,
  trust: TrustMaterial,
  expectation: SignerExpectation,
  thresholds: Thresholds = KEYLESS_THRESHOLDS,
): VerifiedBundle {
  const { bundle } = parsed;
  checkSignerMaterial(bundle, expectation);
  checkMessageDigest(bundle, artifact);
  const entity = toEntity(bundle, artifact);

  const options: VerifierOptions =
    expectation.kind === 'key'
      ? { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }
      : {
          tlogThreshold: thresholds.tlog,
          ctlogThreshold: thresholds.ctlog,
          timestampThreshold: thresholds.timestamp,
        };
  try {
    new Verifier(trust, options).verify(entity);
  } catch (error) {
    if (isRaygateError(error)) throw error;
    // The library checks the signature last, so an altered payload or signature first shows up as a
    // log entry that does not match. Name the root cause: the signature does not verify.
    if (!signatureVerifies(entity, expectation)) {
      throw attestError(
        'BUNDLE_SIGNATURE_INVALID',
        expectation.kind === 'key'
          ? 'The signature does not verify with the given key: the bundle was signed by another key, or the signed content was altered.'
          : "The signature does not verify with the certificate's key: the signed content or the signature was altered.",
        { sigstoreCode: (error as { code?: string }).code ?? 'UNCODED', sigstoreMessage: messageOf(error) },
        error,
      );
    }
    throw fromVerificationError(error);
  }

  const timestamps: VerifiedBundle['timestamps'] = entity.timestamps.flatMap(
    (timestamp): VerifiedBundle['timestamps'] => {
      if (timestamp.$case === 'timestamp-authority') {
        return [{ source: 'rfc3161', time: timestamp.timestamp.signingTime.toISOString() }];
      }
      // Only an inclusion promise makes a log's integrated time a verified time.
      if (!timestamp.tlogEntry.inclusionPromise) return [];
      return [
        {
          source: 'transparency-log',
          time: new Date(Number(timestamp.tlogEntry.integratedTime) * 1000).toISOString(),
        },
      ];
    },
  );

  let signer: VerifiedBundle['signer'];
  if (entity.key.$case === 'certificate' && expectation.kind === 'identity') {
    const certificate = readSignerCertificate(entity.key.certificate);
    checkIdentity(certificate, expectation.policy);
    signer = { kind: 'certificate', identity: certificate.identities[0], ...certificate };
  } else {
    const material = bundle.verificationMaterial.content;
    signer = { kind: 'public-key', hint: material.$case === 'publicKey' ? material.publicKey.hint : '' };
  }

  const result: VerifiedBundle = {
    mediaType: parsed.mediaType,
    bundleVersion: parsed.version,
    content: bundle.content.$case === 'dsseEnvelope' ? 'dsse' : 'message-signature',
    artifact: { sha256: artifactDigests(artifact).sha256 ?? '' },
    signer,
    tlogEntries: bundle.verificationMaterial.tlogEntries.map(summarizeLogEntry),
    timestamps,
  };
  checkDsseSubject(bundle, artifact, result);
  return result;
}
