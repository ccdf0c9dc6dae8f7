import { stat } from 'node:fs/promises';
import path from 'node:path';
import { RaygateError } from '../../shared/errors.ts';
import { directorySource } from './directory-reader.ts';
import type { Source } from './file-tree.ts';

export interface OpenedTarget {
  source: Source;
  /** Set when the user named one file: the tree path of that file. */
  singleFile?: string;
}

const PREFIXES = ['dir:', 'file:'] as const;

/**
 * Turns what the user typed into a Source: `dir:PATH`, `file:PATH`, or a bare path detected as either.
 * A single file is scanned as a tree rooted at its folder so that its includes (`-r other.txt`) resolve
 * relative to it, and can never climb above it.
 */
export async function openTarget(spec: string): Promise<OpenedTarget> {
  const prefix = PREFIXES.find((p) => spec.startsWith(p));
  const hostPath = prefix ? spec.slice(prefix.length) : spec;
  if (hostPath === '') throw new RaygateError('TARGET_INVALID', 'usage', `Target '${spec}' names no path.`);
  if (!prefix && /^[a-z][a-z0-9+.-]*:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec)) {
    throw new RaygateError(
      'TARGET_UNSUPPORTED',
      'usage',
      `Target '${spec}' has an unknown scheme. Use dir:PATH or file:PATH, or a plain path.`,
    );
  }
  let info;
  try {
    info = await stat(hostPath);
  } catch (error) {
    throw new RaygateError('TARGET_NOT_FOUND', 'input', `Cannot open ${hostPath}: no such file or folder.`, {
      cause: error,
    });
  }
  const absolute = path.resolve(hostPath);
  const kind =
    prefix === 'dir:' ? 'directory' : prefix === 'file:' ? 'file' : info.isDirectory() ? 'directory' : 'file';
  if (kind === 'directory') {
    if (!info.isDirectory())
      throw new RaygateError('TARGET_NOT_DIRECTORY', 'input', `${hostPath} is not a folder.`);
    return {
      source: directorySource(absolute, { type: 'directory', name: hostPath, version: undefined }),
    };
  }
  if (!info.isFile())
    throw new RaygateError('TARGET_NOT_FILE', 'input', `${hostPath} is not a regular file.`);
  const singleFile = `/${path.basename(absolute)}`;
  const source = directorySource(
    path.dirname(absolute),
    { type: 'file', name: hostPath },
    { only: [singleFile] },
  );
  return { source, singleFile };
}
