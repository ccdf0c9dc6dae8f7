import { readFile, stat } from 'node:fs/promises';
import { attestError, messageOf } from './errors.ts';
import { ATTEST_LIMITS } from './limits.ts';
import { parseTrustedRoot } from './trusted-root.ts';
import type { TrustedRoot } from './trusted-root.ts';

/** How the trusted root in use was obtained, for the record (`--format json` reports it). */
export type TrustSource =
  | { kind: 'file'; path: string }
  | { kind: 'tuf'; mirror: string; via: 'refresh' | 'cache' | 'embedded'; detail?: string };

export interface LoadedTrust {
  root: TrustedRoot;
  source: TrustSource;
}

/** Reads a trusted root the user gave (`--trusted-root FILE`). */
export async function readTrustedRootFile(file: string): Promise<LoadedTrust> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.size > ATTEST_LIMITS.maxTrustedRootBytes) {
      throw attestError(
        'TRUSTED_ROOT_MALFORMED',
        `${file} is ${info.size} bytes; too large for a trusted root.`,
      );
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'TRUSTED_ROOT_MALFORMED') throw error;
    throw attestError(
      'TRUSTED_ROOT_MALFORMED',
      `Cannot read the trusted root ${file}: ${messageOf(error)}.`,
      {},
      error,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw attestError('TRUSTED_ROOT_MALFORMED', `The trusted root ${file} is not JSON: ${messageOf(error)}.`);
  }
  return { root: parseTrustedRoot(json), source: { kind: 'file', path: file } };
}
