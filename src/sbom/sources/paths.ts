import path from 'node:path';

/**
 * Joins a path found inside a target (a symlink target, an include) to the folder it was found in and
 * normalises it, without ever leaving the target root: returns undefined when `..` would climb above `/`.
 */
export function resolveInside(fromDir: string, relative: string): string | undefined {
  const joined = relative.startsWith('/') ? relative : `${fromDir}/${relative}`;
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

export function dirnameOf(treePath: string): string {
  const i = treePath.lastIndexOf('/');
  return i <= 0 ? '/' : treePath.slice(0, i);
}

export function basenameOf(treePath: string): string {
  return treePath.slice(treePath.lastIndexOf('/') + 1);
}

/** Turns a path of the host into a tree path relative to `root` (`/` separated, leading `/`). */
export function toTreePath(root: string, hostPath: string): string {
  const rel = path.relative(root, hostPath).split(path.sep).join('/');
  return rel === '' ? '/' : `/${rel}`;
}
