import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { attestError, messageOf } from './errors.ts';

/** Reads a PEM public key (`--key`) for verifying key-signed bundles. */
export function parsePublicKey(pem: string, source: string): KeyObject {
  try {
    const key = createPublicKey(pem);
    if (key.type !== 'public') throw new Error('not a public key');
    return key;
  } catch (error) {
    throw attestError(
      'PUBLIC_KEY_INVALID',
      `${source} is not a PEM public key: ${messageOf(error)}.`,
      {},
      error,
    );
  }
}

export type SigningKeyType = 'ecdsa-p256' | 'ed25519';

/**
 * Reads a PEM private key for key-based signing: ECDSA P-256 (signed over SHA-256) or Ed25519, the two
 * key types Sigstore clients verify without further configuration.
 */
export function parsePrivateKey(
  pem: string,
  source: string,
  passphrase?: string,
): { key: KeyObject; type: SigningKeyType } {
  let key: KeyObject;
  try {
    key = createPrivateKey(passphrase === undefined ? pem : { key: pem, passphrase });
  } catch (error) {
    throw attestError(
      'SIGNING_KEY_INVALID',
      `${source} is not a usable PEM private key: ${messageOf(error)}.`,
      {},
      error,
    );
  }
  if (key.asymmetricKeyType === 'ed25519') return { key, type: 'ed25519' };
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return { key, type: 'ecdsa-p256' };
  }
  const kind =
    key.asymmetricKeyType === 'ec' ? `EC ${key.asymmetricKeyDetails?.namedCurve}` : key.asymmetricKeyType;
  throw attestError(
    'SIGNING_KEY_INVALID',
    `${source} is a ${kind} key; raygate signs with ECDSA P-256 or Ed25519 keys.`,
  );
}

/** The key hint Sigstore bundles carry: base64 SHA-256 of the DER public key (as cosign and sigstore-go do). */
export function keyHint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('base64');
}
