import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initTUF } from '@sigstore/tuf';
import { Updater } from 'tuf-js';
import type { Fetcher } from 'tuf-js';
import { attestError, messageOf } from './errors.ts';
import { ATTEST_LIMITS } from './limits.ts';
import { parseTrustedRoot } from './trusted-root.ts';
import type { LoadedTrust } from './trusted-root-reader.ts';

export const PUBLIC_GOOD_TUF_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';
export const STAGING_TUF_MIRROR = 'https://tuf-repo-cdn.sigstage.dev';
/** Sigstore's staging TUF root, shipped with raygate (see tuf-roots/README.md); @sigstore/tuf ships only production's. */
export const STAGING_TUF_ROOT = fileURLToPath(new URL('./tuf-roots/staging-root.json', import.meta.url));

const TRUSTED_ROOT_TARGET = 'trusted_root.json';

export interface TufOptions {
  mirror: string;
  /** TUF root.json to start from when the cache is empty; the root embedded in @sigstore/tuf when omitted. */
  initialRoot?: string;
  /** Folder for the TUF cache (one sub-folder per mirror). */
  cacheDir: string;
  /** Never touch the network: use only the cache, or the material shipped with @sigstore/tuf. */
  offline: boolean;
  now: Date;
  timeoutMs?: number;
  /** Overrides the seed shipped with @sigstore/tuf (tests). */
  seed?: TufSeed;
}

/** A TUF root and the trusted root it was shipped with, taken on trust from the package that ships them. */
export interface TufSeed {
  rootJson: Buffer;
  trustedRootJson: Buffer;
}

class OfflineFetchRefused extends Error {}

const refuseNetwork: Fetcher = {
  downloadFile: () => Promise.reject(new OfflineFetchRefused('offline: no download attempted')),
  downloadBytes: () => Promise.reject(new OfflineFetchRefused('offline: no download attempted')),
};

function repoCacheDir(cacheDir: string, mirror: string): string {
  // The layout @sigstore/tuf uses, so both read and write the same cache.
  const url = new URL(mirror);
  return path.join(cacheDir, encodeURIComponent(url.host + url.pathname.replace(/\/$/, '')));
}

function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current = error;
  while (current !== undefined && current !== null && chain.length < 10) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** True when TUF could not reach the repository (as opposed to reaching it and getting bad metadata). */
function isUnreachable(error: unknown): boolean {
  return errorChain(error).some((link) => {
    if (link instanceof OfflineFetchRefused) return true;
    const { code, name, statusCode, message } = link as {
      code?: string;
      name?: string;
      statusCode?: number;
      message?: string;
    };
    if (code !== undefined && NETWORK_CODES.has(code)) return true;
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    if (typeof statusCode === 'number' && statusCode >= 500) return true;
    return message === 'fetch failed';
  });
}

function isExpired(error: unknown): boolean {
  return errorChain(error).some((link) => /is expired/.test(messageOf(link)));
}

/** Turns a TUF failure that is not a network failure into a fail-closed error. */
function tufFailure(error: unknown, mirror: string, where: string): Error {
  const detail = errorChain(error).map(messageOf).join(': ');
  if (isExpired(error)) {
    return attestError(
      'TRUST_EXPIRED',
      `The Sigstore TUF metadata ${where} for ${mirror} has expired (${detail}). raygate will not use expired trust: connect to the network so it can refresh, or pass --trusted-root FILE.`,
      { mirror, where },
      error,
    );
  }
  return attestError(
    'TRUST_METADATA_INVALID',
    `The Sigstore TUF metadata ${where} for ${mirror} does not verify (${detail}); raygate will not use it.`,
    { mirror, where },
    error,
  );
}

async function refreshOnline(options: TufOptions, cacheDir: string): Promise<string> {
  const client = await initTUF({
    mirrorURL: options.mirror,
    cachePath: cacheDir,
    rootPath: options.initialRoot,
    retry: false,
    timeout: options.timeoutMs ?? ATTEST_LIMITS.tufTimeoutMs,
    forceCache: false,
  });
  return client.getTarget(TRUSTED_ROOT_TARGET);
}

async function readCache(options: TufOptions, repoDir: string): Promise<string> {
  const updater = new Updater({
    metadataBaseUrl: options.mirror,
    targetBaseUrl: `${options.mirror}/targets`,
    metadataDir: repoDir,
    targetDir: path.join(repoDir, 'targets'),
    forceCache: true,
    fetcher: refuseNetwork,
  });
  // Full TUF checks over the cached files (signatures, versions, expiry, target hash), with no network.
  await updater.refresh();
  const info = await updater.getTargetInfo(TRUSTED_ROOT_TARGET);
  if (!info) throw new Error(`${TRUSTED_ROOT_TARGET} is not a target of the cached TUF repository`);
  const cached = await updater.findCachedTarget(info);
  if (!cached) throw new OfflineFetchRefused(`${TRUSTED_ROOT_TARGET} is not in the cache`);
  return readFile(cached, 'utf8');
}

/** The first cached TUF role whose metadata has expired, if any. */
async function expiredCachedRole(
  repoDir: string,
  now: Date,
): Promise<{ role: string; expires: string } | undefined> {
  for (const role of ['root', 'timestamp', 'snapshot', 'targets']) {
    try {
      const metadata = JSON.parse(await readFile(path.join(repoDir, `${role}.json`), 'utf8')) as {
        signed?: { expires?: string };
      };
      const expires = metadata.signed?.expires;
      if (expires && new Date(expires) <= now) return { role, expires };
    } catch {
      // a missing or unreadable file is not an expiry; TUF reports it
    }
  }
  return undefined;
}

async function embeddedSeed(mirror: string): Promise<TufSeed | undefined> {
  const require = createRequire(import.meta.url);
  const seeds = JSON.parse(await readFile(require.resolve('@sigstore/tuf/seeds.json'), 'utf8')) as Record<
    string,
    { 'root.json': string; targets: Record<string, string> }
  >;
  const seed = seeds[mirror];
  const target = seed?.targets[TRUSTED_ROOT_TARGET];
  if (!seed || !target) return undefined;
  return {
    rootJson: Buffer.from(seed['root.json'], 'base64'),
    trustedRootJson: Buffer.from(target, 'base64'),
  };
}

function useSeed(seed: TufSeed, options: TufOptions, why: string): LoadedTrust {
  let expires: Date;
  try {
    const root = JSON.parse(seed.rootJson.toString('utf8')) as { signed?: { expires?: string } };
    expires = new Date(String(root.signed?.expires));
    if (Number.isNaN(expires.getTime())) throw new Error('no expiry');
  } catch (error) {
    throw attestError(
      'TRUST_METADATA_INVALID',
      `The embedded TUF root for ${options.mirror} cannot be read.`,
      {},
      error,
    );
  }
  if (expires <= options.now) {
    throw attestError(
      'TRUST_EXPIRED',
      `The Sigstore TUF root shipped with raygate for ${options.mirror} expired on ${expires.toISOString()}, and ${why}. raygate will not trust expired material offline: connect to the network so it can refresh, or pass --trusted-root FILE.`,
      { mirror: options.mirror, expires: expires.toISOString() },
    );
  }
  return {
    root: parseTrustedRoot(JSON.parse(seed.trustedRootJson.toString('utf8'))),
    source: { kind: 'tuf', mirror: options.mirror, via: 'embedded', detail: why },
  };
}

/**
 * The trusted root of a Sigstore instance, through its TUF repository. Network refresh when reachable
 * (never required); otherwise the local cache, checked by TUF as strictly as a refresh; otherwise, when the
 * cache has never been filled, the material shipped inside @sigstore/tuf while its root is unexpired.
 * Expired or inconsistent metadata fails closed, and a cache that exists is never bypassed for older
 * shipped material.
 */
export async function loadTufTrustedRoot(options: TufOptions): Promise<LoadedTrust> {
  const repoDir = repoCacheDir(options.cacheDir, options.mirror);
  let unreachable = 'raygate is running offline';
  if (!options.offline) {
    try {
      const text = await refreshOnline(options, options.cacheDir);
      return {
        root: parseTrustedRoot(JSON.parse(text)),
        source: { kind: 'tuf', mirror: options.mirror, via: 'refresh' },
      };
    } catch (error) {
      if (!isUnreachable(error)) throw tufFailure(error, options.mirror, 'served by the repository');
      unreachable = `the TUF repository is unreachable (${errorChain(error).map(messageOf).join(': ')})`;
    }
  }
  if (existsSync(path.join(repoDir, 'timestamp.json'))) {
    try {
      const text = await readCache(options, repoDir);
      return {
        root: parseTrustedRoot(JSON.parse(text)),
        source: { kind: 'tuf', mirror: options.mirror, via: 'cache', detail: unreachable },
      };
    } catch (error) {
      if (!isUnreachable(error)) throw tufFailure(error, options.mirror, `cached in ${repoDir}`);
      // tuf-js answers expired cached metadata by going to the network, which is refused offline: say why.
      const expired = await expiredCachedRole(repoDir, options.now);
      if (expired) {
        throw attestError(
          'TRUST_EXPIRED',
          `The cached Sigstore TUF ${expired.role} metadata for ${options.mirror} expired on ${expired.expires} and ${unreachable}. raygate will not use expired trust: connect to the network so it can refresh, or pass --trusted-root FILE.`,
          { mirror: options.mirror, role: expired.role, expires: expired.expires },
          error,
        );
      }
      throw attestError(
        'TRUST_UNAVAILABLE',
        `The TUF cache for ${options.mirror} in ${repoDir} is incomplete and ${unreachable}. Connect to the network once, or pass --trusted-root FILE.`,
        { mirror: options.mirror },
        error,
      );
    }
  }
  const seed = options.seed ?? (options.initialRoot ? undefined : await embeddedSeed(options.mirror));
  if (seed) return useSeed(seed, options, unreachable);
  throw attestError(
    'TRUST_UNAVAILABLE',
    `No trust material for ${options.mirror} is cached and ${unreachable}. Connect to the network once so raygate can fetch it through TUF, or pass --trusted-root FILE.`,
    { mirror: options.mirror },
  );
}
