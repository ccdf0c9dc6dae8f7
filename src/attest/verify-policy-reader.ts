import { readFile, stat } from 'node:fs/promises';
import { parse } from 'yaml';
import { attestError, messageOf } from './errors.ts';
import { parseVerifyPolicy } from './verify-policy.ts';
import type { VerifyPolicy } from './verify-policy.ts';

const MAX_POLICY_BYTES = 1024 * 1024;

/** Reads a verify policy file (YAML or JSON). */
export async function readVerifyPolicy(file: string): Promise<VerifyPolicy> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.size > MAX_POLICY_BYTES) {
      throw attestError(
        'VERIFY_POLICY_INVALID',
        `${file} is ${info.size} bytes; a verify policy is at most ${MAX_POLICY_BYTES}.`,
      );
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'VERIFY_POLICY_INVALID') throw error;
    throw attestError(
      'VERIFY_POLICY_INVALID',
      `Cannot read the verify policy ${file}: ${messageOf(error)}.`,
      {},
      error,
    );
  }
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw attestError(
      'VERIFY_POLICY_INVALID',
      `${file} is not YAML or JSON: ${messageOf(error)}.`,
      {},
      error,
    );
  }
  return parseVerifyPolicy(document);
}
