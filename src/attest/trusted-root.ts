import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { X509Certificate } from '@sigstore/core';
import { PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import type { TrustMaterial } from '@sigstore/verify';
import { attestError, messageOf } from './errors.ts';

export type { TrustedRoot };

const MEDIA_TYPE =
  /^application\/vnd\.dev\.sigstore\.trustedroot(?:\+json;version=0\.[12]|\.v0\.[12]\+json)$/;

const PKCS1_KEYS = new Set<number>([
  PublicKeyDetails.PKCS1_RSA_PKCS1V5,
  PublicKeyDetails.PKIX_RSA_PKCS1V5,
  PublicKeyDetails.PKIX_RSA_PKCS1V15_2048_SHA256,
  PublicKeyDetails.PKIX_RSA_PKCS1V15_3072_SHA256,
  PublicKeyDetails.PKIX_RSA_PKCS1V15_4096_SHA256,
]);

function malformed(field: string, message: string, cause?: unknown): never {
  throw attestError('TRUSTED_ROOT_MALFORMED', `Trusted root: ${field} ${message}`, { field }, cause);
}

function checkValidFor(field: string, validFor: { start?: Date; end?: Date } | undefined): void {
  // A missing start must not be read as "valid since 1970": that would let a key vouch for
  // signatures made before it existed.
  if (!validFor?.start || Number.isNaN(validFor.start.getTime())) {
    malformed(`${field}.validFor.start`, 'is missing; every key and authority needs a start of validity.');
  }
  if (validFor.end !== undefined) {
    if (Number.isNaN(validFor.end.getTime())) malformed(`${field}.validFor.end`, 'is not a time.');
    if (validFor.end < validFor.start) malformed(`${field}.validFor`, 'ends before it starts.');
  }
}

/**
 * Reads a `trusted_root.json` (the Sigstore trust material format) and checks every entry is usable:
 * keys and certificates parse, and every log key and authority has a validity start.
 */
export function parseTrustedRoot(json: unknown): TrustedRoot {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    malformed('document', 'is not a JSON object.');
  }
  const mediaType = (json as { mediaType?: unknown }).mediaType;
  if (typeof mediaType !== 'string' || !MEDIA_TYPE.test(mediaType)) {
    malformed('mediaType', `${JSON.stringify(mediaType)} is not a trusted root media type.`);
  }
  let root: TrustedRoot;
  try {
    root = TrustedRoot.fromJSON(json);
  } catch (error) {
    malformed('document', `cannot be read: ${messageOf(error)}`, error);
  }
  const logs = [
    ...root.tlogs.map((log, i) => ({ log, field: `tlogs[${i}]` })),
    ...root.ctlogs.map((log, i) => ({ log, field: `ctlogs[${i}]` })),
  ];
  for (const { log, field } of logs) {
    if (!log.publicKey?.rawBytes || log.publicKey.rawBytes.length === 0) {
      malformed(`${field}.publicKey.rawBytes`, 'is missing.');
    }
    if (!log.logId?.keyId || log.logId.keyId.length === 0) malformed(`${field}.logId.keyId`, 'is missing.');
    checkValidFor(`${field}.publicKey`, log.publicKey.validFor);
    try {
      createPublicKey({
        key: Buffer.from(log.publicKey.rawBytes),
        format: 'der',
        type: PKCS1_KEYS.has(log.publicKey.keyDetails) ? 'pkcs1' : 'spki',
      });
    } catch (error) {
      malformed(`${field}.publicKey.rawBytes`, `is not a public key: ${messageOf(error)}`, error);
    }
  }
  const authorities = [
    ...root.certificateAuthorities.map((ca, i) => ({ ca, field: `certificateAuthorities[${i}]` })),
    ...root.timestampAuthorities.map((ca, i) => ({ ca, field: `timestampAuthorities[${i}]` })),
  ];
  for (const { ca, field } of authorities) {
    const certificates = ca.certChain?.certificates ?? [];
    if (certificates.length === 0) malformed(`${field}.certChain`, 'has no certificates.');
    checkValidFor(field, ca.validFor);
    certificates.forEach((certificate, i) => {
      try {
        X509Certificate.parse(Buffer.from(certificate.rawBytes));
      } catch (error) {
        malformed(
          `${field}.certChain.certificates[${i}]`,
          `is not a certificate: ${messageOf(error)}`,
          error,
        );
      }
    });
  }
  return root;
}

/**
 * Trust material for @sigstore/verify. `publicKey`, when given, is the one key a key-signed bundle may be
 * signed with (`--key`): it is returned for any key hint, since hints are free-form and unauthenticated.
 */
export function toTrust(root: TrustedRoot, publicKey?: KeyObject): TrustMaterial {
  return toTrustMaterial(root, (hint: string) => {
    if (!publicKey) {
      throw attestError(
        'BUNDLE_KEY_MISMATCH',
        `The bundle is signed by a public key (hint ${JSON.stringify(hint)}); pass that key with --key.`,
      );
    }
    return { publicKey, validFor: () => true };
  });
}

/** A trusted root with nothing in it: enough for a key-signed bundle that carries no log entry or timestamp. */
export function emptyTrustedRoot(): TrustedRoot {
  return TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  });
}
