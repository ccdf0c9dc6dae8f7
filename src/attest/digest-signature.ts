import type { KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as NistCurves from '@noble/curves/nist.js';
import type { MessageSignature } from '@sigstore/bundle';
import type { SignedEntity } from '@sigstore/verify';
import { attestError } from './errors.ts';

type SignatureContent = SignedEntity['signature'];

type Nist = typeof NistCurves;
const CURVE_NAMES = { 'P-256': 'p256', 'P-384': 'p384', 'P-521': 'p521' } as const;

let nist: Nist | undefined;
/** Loaded on first use: only digest-only verification needs it, and it costs start-up time. */
function curves(): Nist {
  nist ??= createRequire(import.meta.url)('@noble/curves/nist.js') as Nist;
  return nist;
}

function uncompressedPoint(key: KeyObject): { curve: keyof typeof CURVE_NAMES; point: Uint8Array } {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || !jwk.x || !jwk.y || !(jwk.crv && jwk.crv in CURVE_NAMES)) {
    throw attestError(
      'ARTIFACT_DIGEST_UNSUPPORTED',
      `This bundle is signed with a ${key.asymmetricKeyType} key, which cannot be checked against a digest alone; pass the artifact file instead.`,
      { keyType: key.asymmetricKeyType },
    );
  }
  const x = Buffer.from(jwk.x, 'base64url');
  const y = Buffer.from(jwk.y, 'base64url');
  return { curve: jwk.crv as keyof typeof CURVE_NAMES, point: Buffer.concat([Buffer.from([4]), x, y]) };
}

/**
 * The signature content of a message-signature bundle when only the artifact's digest is known. ECDSA
 * signs the digest, so the signature is checked over the given digest without hashing again (Node's crypto
 * always hashes, hence @noble/curves). Ed25519 and RSA signatures cannot be checked this way.
 */
export function digestSignatureContent(messageSignature: MessageSignature, digest: Buffer): SignatureContent {
  const signedDigest = Buffer.from(messageSignature.messageDigest.digest);
  const signature = Buffer.from(messageSignature.signature);
  return {
    signature,
    compareSignature: (other) => signature.equals(other),
    compareDigest: (other) => signedDigest.equals(other),
    compareSignedDigest: (other) => signedDigest.equals(other),
    verifySignature: (key) => {
      if (!signedDigest.equals(digest)) return false;
      const { curve, point } = uncompressedPoint(key);
      try {
        return curves()[CURVE_NAMES[curve]].verify(signature, digest, point, {
          prehash: false,
          lowS: false,
          format: 'der',
        });
      } catch {
        return false;
      }
    },
  };
}
