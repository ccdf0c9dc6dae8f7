import { createHash } from 'node:crypto';

export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

export function hexDigest(algorithm: DigestAlgorithm | 'md5' | 'sha1', data: Uint8Array | string): string {
  return createHash(algorithm).update(data).digest('hex');
}

/** `sha256:<hex>` — the form OCI and in-toto use to name content. */
export function sha256Ref(data: Uint8Array | string): string {
  return `sha256:${hexDigest('sha256', data)}`;
}

const HEX = /^[0-9a-f]+$/;
const LENGTHS: Record<string, number> = { md5: 32, sha1: 40, sha256: 64, sha384: 96, sha512: 128 };

export function isHexDigest(algorithm: string, value: string): boolean {
  return LENGTHS[algorithm] === value.length && HEX.test(value);
}

/** Decodes the URL-safe, unpadded base64 that wheel RECORD files use for hashes. */
export function base64UrlToHex(value: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64url').toString('hex');
}
