import { spawn } from 'node:child_process';
import { RaygateError } from '../shared/errors.ts';
import type { RegistryCredential } from './credentials.ts';

export interface CredentialHelperOptions {
  timeoutMs?: number;
  /** PATH used to find `docker-credential-<name>` (defaults to the process PATH). */
  env?: NodeJS.ProcessEnv;
}

const MAX_OUTPUT = 64 * 1024;

/**
 * Runs a Docker credential helper (`docker-credential-<name> get`, the server URL on stdin, JSON on
 * stdout), as the Docker CLI does. A helper that says it has nothing for the server gives undefined; one
 * that hangs is killed after the timeout.
 */
export function runCredentialHelper(
  name: string,
  serverUrl: string,
  options: CredentialHelperOptions = {},
): Promise<RegistryCredential | undefined> {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    return Promise.reject(
      new RaygateError(
        'OCI_CREDENTIAL_HELPER_FAILED',
        'input',
        `'${name}' is not a valid credential helper name.`,
      ),
    );
  }
  const program = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    const err: Buffer[] = [];
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() =>
        reject(
          new RaygateError(
            'OCI_CREDENTIAL_HELPER_FAILED',
            'unavailable',
            `${program} did not answer within ${options.timeoutMs ?? 10_000} ms.`,
          ),
        ),
      );
    }, options.timeoutMs ?? 10_000);
    child.stdout.on('data', (d: Buffer) => {
      outBytes += d.length;
      if (outBytes <= MAX_OUTPUT) out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      if (err.reduce((s, b) => s + b.length, 0) < MAX_OUTPUT) err.push(d);
    });
    child.on('error', (error) =>
      finish(() =>
        reject(
          new RaygateError(
            'OCI_CREDENTIAL_HELPER_FAILED',
            'unavailable',
            `Cannot run ${program}: ${error.message}.`,
            {
              cause: error,
            },
          ),
        ),
      ),
    );
    child.on('close', (code) =>
      finish(() => {
        const stdout = Buffer.concat(out).toString('utf8').trim();
        if (code !== 0) {
          const message = `${stdout} ${Buffer.concat(err).toString('utf8')}`.trim();
          if (/credentials not found/i.test(message)) return resolve(undefined);
          return reject(
            new RaygateError(
              'OCI_CREDENTIAL_HELPER_FAILED',
              'unavailable',
              `${program} failed (exit ${code}): ${message.slice(0, 300)}`,
            ),
          );
        }
        try {
          const json = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown };
          const username = typeof json.Username === 'string' ? json.Username : '';
          const secret = typeof json.Secret === 'string' ? json.Secret : '';
          if (secret === '') return resolve(undefined);
          resolve(
            username === '<token>'
              ? { kind: 'identity-token', token: secret }
              : { kind: 'basic', username, password: secret },
          );
        } catch {
          reject(
            new RaygateError('OCI_CREDENTIAL_HELPER_FAILED', 'unavailable', `${program} printed no JSON.`),
          );
        }
      }),
    );
    child.stdin.on('error', () => {});
    child.stdin.end(serverUrl);
  });
}
