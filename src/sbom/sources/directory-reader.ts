import { open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { RaygateError } from '../../shared/errors.ts';
import { LIMITS } from '../../shared/limits.ts';
import type { Problem, TargetDescription } from '../model.ts';
import type { FileTree, PathFilter, Source, TreeFile } from './file-tree.ts';
import { resolveInside } from './paths.ts';

export interface DirectoryWalkLimits {
  maxEntries: number;
  maxDepth: number;
}

/**
 * A folder on disk (a venv, a site-packages, a conda prefix, an unpacked image root) as a FileTree.
 * Symlinked folders are not followed: a venv's `lib64 -> lib` would otherwise list every package twice,
 * and a symlink loop could never end. Symlinked files are followed only when they stay inside the root.
 */
export interface DirectorySourceOptions {
  limits?: DirectoryWalkLimits;
  /**
   * List only these tree paths instead of walking the folder (a single file named by the user, whose
   * folder may be a home directory). Other files stay readable through `read`.
   */
  only?: string[];
}

const DEFAULT_LIMITS: DirectoryWalkLimits = {
  maxEntries: LIMITS.maxWalkEntries,
  maxDepth: LIMITS.maxWalkDepth,
};

export function directorySource(
  root: string,
  description: TargetDescription,
  options: DirectorySourceOptions = {},
): Source {
  return {
    description,
    open: (want) => openDirectoryTree(root, description, want, options),
  };
}

async function openDirectoryTree(
  root: string,
  description: TargetDescription,
  want: PathFilter,
  options: DirectorySourceOptions,
): Promise<FileTree> {
  const realRoot = await realpathOrThrow(root);
  const problems: Problem[] = [];
  const found = options.only
    ? await listOnly(realRoot, options.only, problems)
    : await walk(realRoot, want, options.limits ?? DEFAULT_LIMITS, problems);
  found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const byPath = new Map(found.map((f) => [f.path, f]));

  return {
    description,
    problems,
    files: () => found,
    get: (p) => byPath.get(p),
    read: (treePath, maxBytes) => readInside(realRoot, treePath, maxBytes),
    close: async () => {},
  };
}

async function listOnly(realRoot: string, treePaths: string[], problems: Problem[]): Promise<TreeFile[]> {
  const found: TreeFile[] = [];
  for (const treePath of treePaths) {
    const inside = resolveInside('/', treePath);
    if (inside === undefined) continue;
    const hostPath = path.join(realRoot, ...inside.split('/').filter(Boolean));
    const info = await statOrProblem(hostPath, inside, problems);
    if (info?.isFile()) found.push({ path: inside, size: info.size });
  }
  return found;
}

async function walk(
  realRoot: string,
  want: PathFilter,
  limits: DirectoryWalkLimits,
  problems: Problem[],
): Promise<TreeFile[]> {
  const found: TreeFile[] = [];
  let visited = 0;

  // Iterative walk: depth is bounded and a deep tree cannot overflow the stack.
  // Tree paths are built alongside host paths: path.relative per entry is a measurable cost on big trees.
  const pending: { dir: string; treeDir: string; depth: number }[] = [
    { dir: realRoot, treeDir: '', depth: 0 },
  ];
  while (pending.length > 0) {
    const { dir, treeDir, depth } = pending.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      problems.push(walkProblem('SBOM_DIRECTORY_UNREADABLE', treeDir || '/', error));
      continue;
    }
    for (const entry of entries) {
      visited++;
      if (visited > limits.maxEntries) {
        throw new RaygateError(
          'SBOM_TOO_MANY_FILES',
          'limit',
          `${realRoot} has more than ${limits.maxEntries} entries; scan a narrower folder.`,
        );
      }
      const hostPath = dir.endsWith(path.sep) ? `${dir}${entry.name}` : `${dir}${path.sep}${entry.name}`;
      const treePath = `${treeDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (depth + 1 > limits.maxDepth) {
          problems.push({
            code: 'SBOM_DIRECTORY_TOO_DEEP',
            severity: 'warning',
            message: `Skipped ${treePath}: nested deeper than ${limits.maxDepth} folders.`,
            path: treePath,
          });
        } else pending.push({ dir: hostPath, treeDir: treePath, depth: depth + 1 });
        continue;
      }
      if (!want(treePath)) continue;
      if (entry.isFile()) {
        const info = await statOrProblem(hostPath, treePath, problems);
        if (info) found.push({ path: treePath, size: info.size });
      } else if (entry.isSymbolicLink()) {
        const target = await followFileLink(realRoot, hostPath, treePath, problems);
        if (target) found.push({ path: treePath, size: target.size });
      }
    }
  }
  return found;
}

async function realpathOrThrow(root: string): Promise<string> {
  try {
    const real = await realpath(root);
    const info = await stat(real);
    if (!info.isDirectory()) {
      throw new RaygateError('SBOM_TARGET_NOT_DIRECTORY', 'input', `${root} is not a folder.`);
    }
    return real;
  } catch (error) {
    if (error instanceof RaygateError) throw error;
    throw new RaygateError('SBOM_TARGET_NOT_FOUND', 'input', `Cannot open ${root}: ${codeOf(error)}.`, {
      cause: error,
    });
  }
}

async function statOrProblem(hostPath: string, treePath: string, problems: Problem[]) {
  try {
    return await stat(hostPath);
  } catch (error) {
    problems.push(walkProblem('SBOM_FILE_UNREADABLE', treePath, error));
    return undefined;
  }
}

/** Follows a symlinked file only if it resolves to a regular file inside the root. */
async function followFileLink(realRoot: string, hostPath: string, treePath: string, problems: Problem[]) {
  let real: string;
  try {
    real = await realpath(hostPath);
  } catch (error) {
    const code = codeOf(error) === 'ELOOP' ? 'SBOM_SYMLINK_LOOP' : 'SBOM_SYMLINK_DANGLING';
    problems.push(walkProblem(code, treePath, error));
    return undefined;
  }
  if (!isInside(realRoot, real)) {
    problems.push({
      code: 'SBOM_SYMLINK_ESCAPES',
      severity: 'warning',
      message: `Skipped ${treePath}: it is a symlink to ${real}, outside the scanned folder.`,
      path: treePath,
    });
    return undefined;
  }
  const info = await statOrProblem(real, treePath, problems);
  return info?.isFile() ? info : undefined;
}

/** Reads a file of the tree by its tree path, refusing anything that resolves outside the root. */
async function readInside(realRoot: string, treePath: string, maxBytes: number): Promise<Uint8Array> {
  const inside = resolveInside('/', treePath);
  if (inside === undefined) {
    throw new RaygateError('SBOM_PATH_ESCAPES', 'input', `${treePath} points outside the scanned folder.`);
  }
  const hostPath = path.join(realRoot, ...inside.split('/').filter(Boolean));
  let real: string;
  try {
    real = await realpath(hostPath);
  } catch (error) {
    throw new RaygateError('SBOM_FILE_UNREADABLE', 'input', `Cannot read ${treePath}: ${codeOf(error)}.`, {
      cause: error,
    });
  }
  if (!isInside(realRoot, real)) {
    throw new RaygateError('SBOM_PATH_ESCAPES', 'input', `${treePath} resolves outside the scanned folder.`);
  }
  let handle;
  try {
    handle = await open(real, 'r');
  } catch (error) {
    throw new RaygateError('SBOM_FILE_UNREADABLE', 'input', `Cannot read ${treePath}: ${codeOf(error)}.`, {
      cause: error,
    });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new RaygateError('SBOM_FILE_UNREADABLE', 'input', `${treePath} is not a regular file.`);
    }
    if (info.size > maxBytes) {
      throw new RaygateError(
        'SBOM_FILE_TOO_LARGE',
        'limit',
        `${treePath} is ${info.size} bytes, more than the ${maxBytes} allowed for metadata.`,
      );
    }
    // Read at most maxBytes + 1 even if the file grows between stat and read.
    const buffer = Buffer.allocUnsafe(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) {
      throw new RaygateError(
        'SBOM_FILE_TOO_LARGE',
        'limit',
        `${treePath} grew past ${maxBytes} bytes while read.`,
      );
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function codeOf(error: unknown): string {
  return (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
}

function walkProblem(code: string, treePath: string, error: unknown): Problem {
  return { code, severity: 'warning', message: `Skipped ${treePath}: ${codeOf(error)}.`, path: treePath };
}
