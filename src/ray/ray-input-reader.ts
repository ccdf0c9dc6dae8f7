import { lstat, open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { RaygateError } from '../shared/errors.ts';
import { decodeText, looksBinary } from '../shared/text.ts';
import { RAY_LIMITS } from './limits.ts';
import type { RayInputFile, RayProblem } from './model.ts';
import { looksLikeEnvFile } from './parse/env-file.ts';

/** Folders never walked: version control, dependencies, caches. */
const SKIPPED_DIRS = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.cache',
  'dist',
  'build',
]);

export interface ReadInputsResult {
  files: RayInputFile[];
  problems: RayProblem[];
}

export interface ReadInputsOptions {
  /** Paths in findings are shown relative to this folder. */
  cwd?: string;
  /** Text read from standard input, for the path `-` (e.g. `helm template … | raygate ray lint -`). */
  stdin?: () => Promise<string>;
  maxFileBytes?: number;
}

/**
 * Reads the files `raygate ray lint` was given. A folder is walked (without following symlinks, skipping
 * `.git`, `node_modules` and the like) for YAML/JSON, Dockerfiles, shell scripts and env files; a file named
 * explicitly is always read. Every read is bounded; an oversized or binary file becomes a problem.
 */
export async function readRayInputs(
  paths: readonly string[],
  options: ReadInputsOptions = {},
): Promise<ReadInputsResult> {
  const cwd = options.cwd ?? process.cwd();
  const maxBytes = options.maxFileBytes ?? RAY_LIMITS.maxFileBytes;
  const files: RayInputFile[] = [];
  const problems: RayProblem[] = [];
  const display = (p: string) => {
    const rel = path.relative(cwd, path.resolve(cwd, p));
    return (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(cwd, p) : rel)
      .split(path.sep)
      .join('/');
  };

  const readOne = async (hostPath: string, explicit: boolean) => {
    if (files.length >= RAY_LIMITS.maxFiles) return;
    const shown = display(hostPath);
    const handle = await open(hostPath, 'r').catch((error: unknown) => {
      problems.push({
        code: 'RAY_INPUT_UNREADABLE',
        severity: 'error',
        message: `Cannot read ${shown}: ${(error as Error).message}`,
        file: shown,
      });
      return undefined;
    });
    if (!handle) return;
    try {
      if (
        !explicit &&
        !path.basename(hostPath).includes('.') &&
        !/^(dockerfile|containerfile)/i.test(path.basename(hostPath))
      ) {
        // An extension-less file found by walking counts only as a shell script: peek before reading it whole.
        const head = Buffer.alloc(256);
        const { bytesRead } = await handle.read(head, 0, head.length, 0);
        if (!/^#!.*\b(ba|da|z)?sh\b/.test(head.subarray(0, bytesRead).toString('latin1'))) return;
      }
      const buffer = Buffer.alloc(Math.min(maxBytes + 1, (await handle.stat()).size + 1));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > maxBytes) {
        problems.push({
          code: 'RAY_INPUT_TOO_LARGE',
          severity: explicit ? 'error' : 'warning',
          message: `${shown} is larger than ${maxBytes} bytes; it was not read.`,
          file: shown,
        });
        return;
      }
      const bytes = buffer.subarray(0, bytesRead);
      if (looksBinary(bytes)) {
        if (explicit)
          problems.push({
            code: 'RAY_INPUT_BINARY',
            severity: 'error',
            message: `${shown} is a binary file, not a deployment file.`,
            file: shown,
          });
        return;
      }
      const decoded = decodeText(bytes);
      files.push({ path: shown, content: decoded.text, ...(explicit ? { explicit: true } : {}) });
    } finally {
      await handle.close();
    }
  };

  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > RAY_LIMITS.maxWalkDepth || files.length >= RAY_LIMITS.maxFiles) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({
        code: 'RAY_INPUT_UNREADABLE',
        severity: 'warning',
        message: `Cannot list ${display(dir)}: ${(error as Error).message}`,
        file: display(dir),
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(full, depth + 1);
      } else if (entry.isFile() && candidate(entry.name)) {
        await readOne(full, false);
      }
    }
  };

  for (const p of paths) {
    if (p === '-') {
      if (!options.stdin)
        throw new RaygateError('RAY_INPUT_STDIN', 'usage', 'Standard input is not available here.');
      const text = await options.stdin();
      if (Buffer.byteLength(text) > maxBytes) {
        problems.push({
          code: 'RAY_INPUT_TOO_LARGE',
          severity: 'error',
          message: `Standard input is larger than ${maxBytes} bytes; it was not read.`,
          file: '-',
        });
      } else files.push({ path: 'stdin.yaml', content: text, explicit: true });
      continue;
    }
    const hostPath = path.resolve(cwd, p);
    let info;
    try {
      info = await lstat(hostPath);
      if (info.isSymbolicLink()) info = await stat(hostPath);
    } catch (error) {
      throw new RaygateError('RAY_INPUT_NOT_FOUND', 'input', `Cannot open ${p}: no such file or folder.`, {
        cause: error,
      });
    }
    if (info.isDirectory()) await walk(hostPath, 0);
    else if (info.isFile()) await readOne(hostPath, true);
    else throw new RaygateError('RAY_INPUT_NOT_FILE', 'input', `${p} is neither a file nor a folder.`);
  }
  return { files, problems };
}

/** Names worth opening during a walk. */
function candidate(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    /\.(ya?ml|json|sh|bash)$/.test(lower) ||
    /^(dockerfile|containerfile)([.-].*)?$/.test(lower) ||
    /\.(dockerfile|containerfile)$/.test(lower) ||
    looksLikeEnvFile(name) ||
    !name.includes('.')
  );
}
