import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './run-cli.ts';

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Resident memory of the process now, from /proc (Linux). */
  rssBytes(): Promise<number>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `raygate serve` as a real process and waits until it says where it listens. */
export function startServe(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 90_000,
  /** Options for node itself (V8 flags), before the script. */
  nodeArgs: string[] = [],
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, path.join(REPO_ROOT, 'bin/raygate.js'), 'serve', '--port', '0', ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, RAYGATE_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`raygate serve did not start in ${timeoutMs} ms:\n${err}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`raygate serve exited (${code}) before listening:\n${err}`));
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d;
      const match = /serving on (http:\/\/\S+)/.exec(err);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        child,
        url: match[1]!,
        stdout: () => out,
        stderr: () => err,
        async rssBytes() {
          const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
          return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
        },
        async stop() {
          if (child.exitCode !== null) return child.exitCode;
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}
