import { readFile } from 'node:fs/promises';
import { trustInstance } from '../../attest/evidence/trust.ts';
import { parsePublicKey } from '../../attest/keys.ts';
import { readTrustedRootFile, type LoadedTrust } from '../../attest/trusted-root-reader.ts';
import { loadTufTrustedRoot, PUBLIC_GOOD_TUF_MIRROR } from '../../attest/tuf-client.ts';
import type { GateTrustConfig } from '../../config.ts';
import { toTrustedRootSnapshot } from '../../policy/adapters/snapshots.ts';
import { RaygateError } from '../../shared/errors.ts';
import type { TrustSet } from './trust.ts';

const REFRESH_MS = 6 * 3_600_000;

/**
 * The Sigstore trust the gate verifies with: the configured trusted_root.json files, else public-good from
 * TUF (refreshed every few hours, cached in the data folder; offline it uses the cache or the root shipped
 * with raygate). Keys for key-signed bundles come from the configured PEM files.
 */
export function trustProvider(
  config: GateTrustConfig,
  tufCacheDir: string,
  now: () => Date,
): () => Promise<TrustSet> {
  let loaded: { at: number; trust: Promise<TrustSet> } | undefined;
  return () => {
    const at = now().getTime();
    if (!loaded || (config.trustedRoots.length === 0 && at - loaded.at > REFRESH_MS)) {
      const trust = load(config, tufCacheDir, now);
      loaded = { at, trust };
      trust.catch(() => {
        if (loaded?.trust === trust) loaded = undefined;
      });
    }
    return loaded.trust;
  };
}

async function load(config: GateTrustConfig, tufCacheDir: string, now: () => Date): Promise<TrustSet> {
  const roots: LoadedTrust[] = [];
  if (config.trustedRoots.length > 0) {
    for (const file of config.trustedRoots) roots.push(await readTrustedRootFile(file));
  } else {
    roots.push(
      await loadTufTrustedRoot({
        mirror: PUBLIC_GOOD_TUF_MIRROR,
        cacheDir: tufCacheDir,
        offline: config.offline,
        now: now(),
      }),
    );
  }
  const keys = [];
  for (const file of config.keys) {
    let pem: string;
    try {
      pem = await readFile(file, 'utf8');
    } catch (error) {
      throw new RaygateError(
        'GATE_TRUST_KEY_UNREADABLE',
        'internal',
        `Cannot read the key ${file}: ${(error as Error).message}`,
      );
    }
    keys.push(parsePublicKey(pem, file));
  }
  const first = roots[0]!;
  return {
    instances: roots.map((r, i) =>
      trustInstance(r.source.kind === 'file' ? r.source.path : `public-good-${i}`, r.root),
    ),
    keys,
    snapshot: toTrustedRootSnapshot(first.root, first.source),
  };
}
