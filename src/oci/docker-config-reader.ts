import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RaygateError } from '../shared/errors.ts';
import { runCredentialHelper } from './credential-helper-client.ts';
import type { CredentialHelperOptions } from './credential-helper-client.ts';
import type { CredentialResolver, RegistryCredential } from './credentials.ts';
import { DOCKER_HUB } from './reference.ts';

/** The parts of Docker's `config.json` that hold registry credentials. */
export interface DockerConfig {
  auths: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers: Record<string, string>;
  credsStore?: string;
}

const HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

/** Reads `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`); none is an empty config. */
export async function loadDockerConfig(dir?: string): Promise<DockerConfig> {
  const folder = dir ?? process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker');
  const file = path.join(folder, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return { auths: {}, credHelpers: {} };
    throw new RaygateError('OCI_DOCKER_CONFIG_INVALID', 'input', `Cannot read ${file}.`, { cause: error });
  }
  return parseDockerConfig(text, file);
}

export function parseDockerConfig(text: string, where = 'config.json'): DockerConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RaygateError('OCI_DOCKER_CONFIG_INVALID', 'input', `${where} is not valid JSON.`, {
      cause: error,
    });
  }
  const c = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const config: DockerConfig = { auths: {}, credHelpers: {} };
  if (typeof c.auths === 'object' && c.auths !== null) {
    for (const [key, value] of Object.entries(c.auths)) {
      if (typeof value === 'object' && value !== null)
        config.auths[normaliseKey(key)] = value as DockerConfig['auths'][string];
    }
  }
  if (typeof c.credHelpers === 'object' && c.credHelpers !== null) {
    for (const [key, value] of Object.entries(c.credHelpers)) {
      if (typeof value === 'string') config.credHelpers[normaliseKey(key)] = value;
    }
  }
  if (typeof c.credsStore === 'string' && c.credsStore !== '') config.credsStore = c.credsStore;
  return config;
}

/** `https://ghcr.io/v2/` → `ghcr.io`; Docker Hub's many spellings → `docker.io`. */
function normaliseKey(key: string): string {
  if (HUB_KEYS.includes(key)) return DOCKER_HUB;
  const host = key
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]!
    .toLowerCase();
  return HUB_KEYS.includes(host) ? DOCKER_HUB : host;
}

/** Decodes one `auths` entry: `auth` is base64 of `user:password`; `identitytoken` is a refresh token. */
export function credentialFromAuthEntry(
  entry: DockerConfig['auths'][string],
): RegistryCredential | undefined {
  if (entry.identitytoken) return { kind: 'identity-token', token: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new RaygateError(
        'OCI_DOCKER_CONFIG_INVALID',
        'input',
        'An auths entry of the Docker config is not base64 of user:password.',
      );
    }
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password)
    return { kind: 'basic', username: entry.username, password: entry.password };
  return undefined;
}

/**
 * Looks credentials up the way the Docker CLI does: a per-registry credential helper, else the default
 * credential store, else the inline `auths` entry.
 */
export function dockerConfigResolver(
  config: DockerConfig,
  helperOptions: CredentialHelperOptions = {},
): CredentialResolver {
  return async (registry) => {
    const key = normaliseKey(registry);
    const serverUrl = key === DOCKER_HUB ? HUB_KEYS[0]! : key;
    const helper = config.credHelpers[key] ?? config.credsStore;
    if (helper) {
      const fromHelper = await runCredentialHelper(helper, serverUrl, helperOptions);
      if (fromHelper) return fromHelper;
    }
    const entry = config.auths[key];
    return entry ? credentialFromAuthEntry(entry) : undefined;
  };
}
