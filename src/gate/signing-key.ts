import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { keyHint, parsePrivateKey, type SigningKeyType } from '../attest/keys.ts';
import { RaygateError } from '../shared/errors.ts';

export interface SigningKey {
  privateKey: KeyObject;
  type: SigningKeyType;
  publicKeyPem: string;
  hint: string;
  file: string;
  /** True when this start created the key. */
  created: boolean;
}

/**
 * The service's VSA signing key: the PEM file if it exists, else a new ECDSA P-256 key written there
 * (mode 0600, created exclusively, so replicas starting together on a shared folder end up with one key).
 */
export async function loadOrCreateSigningKey(file: string): Promise<SigningKey> {
  let pem: string | undefined;
  let created = false;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw unreadable(file, error);
  }
  if (pem === undefined) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const fresh = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      await writeFile(file, fresh, { flag: 'wx', mode: 0o600 });
      pem = fresh;
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unreadable(file, error);
      pem = await readFile(file, 'utf8'); // another replica won the race
    }
  }
  const { key, type } = parsePrivateKey(pem, file);
  const publicKey = createPublicKey(key);
  return {
    privateKey: key,
    type,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    hint: keyHint(publicKey),
    file,
    created,
  };
}

function unreadable(file: string, error: unknown): RaygateError {
  return new RaygateError(
    'VSA_KEY_UNREADABLE',
    'internal',
    `Cannot read or create the VSA signing key ${file}: ${(error as Error).message}`,
    { cause: error },
  );
}
