import { open } from 'node:fs/promises';
import { RaygateError } from '../shared/errors.ts';
import { POLICY_YAML_LIMITS } from './yaml-tree.ts';

/**
 * Reads a policy file's text. At most one byte past the size limit is read, so a huge file costs nothing
 * and is reported by the parser as too large (at line 1, column 1) like any other problem.
 */
export async function readPolicyFile(file: string): Promise<string> {
  return readBounded(file, POLICY_YAML_LIMITS.maxBytes + 1, 'POLICY_UNREADABLE');
}

export async function readBounded(file: string, maxBytes: number, code: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
    const info = await handle.stat();
    if (!info.isFile()) throw new Error('not a regular file');
    const buffer = Buffer.alloc(Math.min(maxBytes, info.size + 1));
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length).toString('utf8');
  } catch (error) {
    throw new RaygateError(code, 'input', `Cannot read ${file}: ${(error as Error).message}.`, {
      cause: error,
    });
  } finally {
    await handle?.close();
  }
}
