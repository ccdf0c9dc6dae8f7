import { createPublicKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Signer } from '@sigstore/sign';
import { keyHint } from './keys.ts';
import type { SigningKeyType } from './keys.ts';

/**
 * A @sigstore/sign Signer over a local private key: ECDSA P-256 signs SHA-256 of the data, Ed25519 the
 * data itself. The bundle carries the key's hint, not the key: the verifier must be given the public key.
 */
export function createKeySigner(privateKey: KeyObject, type: SigningKeyType): Signer {
  const publicKey = createPublicKey(privateKey);
  const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const hint = keyHint(publicKey);
  return {
    sign: async (data: Buffer) => ({
      signature: sign(type === 'ed25519' ? null : 'sha256', data, privateKey),
      key: { $case: 'publicKey', publicKey: pem, hint },
    }),
  };
}
