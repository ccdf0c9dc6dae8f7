import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ghsa } from '../advisories/records.ts';
import { advisorySourceProvider } from '../../src/gate/evidence/advisory-sources.ts';
import type { EvidenceEnvironment } from '../../src/gate/evidence/environment.ts';
import type { PackageIndex } from '../../src/gate/evidence/upload-times.ts';
import { registryPolicy } from '../../src/gate/evidence/registry-policy.ts';
import { trustProvider } from '../../src/gate/evidence/trust-provider.ts';
import { loadOrCreateSigningKey } from '../../src/gate/signing-key.ts';
import { keyVsaSigner, type VsaSigner } from '../../src/gate/vsa-signer.ts';
import { SILENT_LOGGER } from '../../src/shared/log.ts';
import { fixturePath } from '../support/fixture-path.ts';
import { runCli } from '../support/run-cli.ts';

export const GATE_POLICIES = fixturePath('gate', 'policies');
export const PUBLIC_GOOD_ROOT = fixturePath('attest', 'trust', 'trusted_root.public-good.json');

/** pyarrow < 14.0.1: CRITICAL with a fix (GHSA-5wvp-7f3h-6wmm), the advisory the gate tests trip on. */
export const PYARROW_ADVISORY = 'GHSA-5wvp-7f3h-6wmm';
export const VULNERABLE_WHEEL = 'pyarrow-14.0.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl';
export const CLEAN_WHEEL = 'pyarrow-14.0.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl';

/**
 * A real OSV mirror (`raygate osv import`) in `dir/osv` holding stored GitHub advisories (default: the
 * pyarrow one); importing again adds records as a new generation.
 */
export async function importGateMirror(
  dir: string,
  ids: readonly string[] = [PYARROW_ADVISORY],
): Promise<string> {
  const records = path.join(dir, `records-${ids.join('-')}`);
  await mkdir(records, { recursive: true });
  for (const id of ids) await writeFile(path.join(records, `${id}.json`), JSON.stringify(ghsa(id)));
  const mirror = path.join(dir, 'osv');
  const run = await runCli(['osv', 'import', '--osv-db', mirror, records]);
  if (run.code !== 0) throw new Error(`osv import failed: ${run.stderr}`);
  return mirror;
}

/**
 * What an in-process worker collects evidence with: that mirror, the public-good root (offline), no
 * registries, and no package index unless one is given (upload times stay unknown, lookups off).
 */
export function gateEnvironment(
  mirrorDir: string,
  dir: string,
  now: () => Date,
  packageIndex: () => PackageIndex | undefined = () => undefined,
): EvidenceEnvironment {
  return {
    advisorySource: advisorySourceProvider({ source: 'mirror', mirrorDir, apiUrl: undefined }, mirrorDir),
    trust: trustProvider(
      { trustedRoots: [PUBLIC_GOOD_ROOT], keys: [], offline: true },
      path.join(dir, 'tuf'),
      now,
    ),
    registries: registryPolicy({ registries: [], dockerConfigDir: undefined, registryCaFile: undefined }),
    packageIndex,
    now,
    log: SILENT_LOGGER,
  };
}

/** The service key signer, its key created in `dir`. */
export async function testSigner(dir: string): Promise<VsaSigner> {
  return keyVsaSigner(await loadOrCreateSigningKey(path.join(dir, 'vsa-signing-key.pem')));
}

/** A wheel artifact as submitted: by name and a sha256 derived from the name (no bytes are needed). */
export function wheelArtifact(name: string, salt = ''): { kind: 'wheel'; name: string; sha256: string } {
  const hex = Buffer.from(`${name}${salt}`).toString('hex').padEnd(64, '0').slice(0, 64);
  return { kind: 'wheel', name, sha256: hex.replace(/[^0-9a-f]/g, '0') };
}
