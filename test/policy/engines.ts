/**
 * Real engine outputs for the policy tests: the advisory matcher over real OSV records, `raygate pins` over
 * real lock files, `raygate ray lint` over KubeRay samples, Sigstore verification of real bundles. Each is
 * turned into evidence by the adapters under test.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assessPackages, type Assessment } from '../../src/advisories/assess.ts';
import type { OsvRecord } from '../../src/advisories/osv.ts';
import { analyzePins, type PinReport } from '../../src/advisories/pins/index.ts';
import { queryId, queryKeys } from '../../src/advisories/package-query.ts';
import type { AdvisorySource } from '../../src/advisories/source.ts';
import { parseBundle } from '../../src/attest/bundle.ts';
import { parseTrustedRoot, toTrust } from '../../src/attest/trusted-root.ts';
import { verifyBundle } from '../../src/attest/verify.ts';
import { toAttestationEvidence } from '../../src/policy/adapters/attestation.ts';
import type { AttestationEvidence } from '../../src/policy/evidence.ts';
import type { RayLintResult } from '../../src/ray/index.ts';
import { selectCatalogers } from '../../src/sbom/catalogers/index.ts';
import type { Package } from '../../src/sbom/model.ts';
import { scanSource } from '../../src/sbom/scan.ts';
import { openTarget } from '../../src/sbom/sources/open-target.ts';
import { PYPA_VULNS, pypaPackage } from '../advisories/records.ts';
import { lintFixtures } from '../ray/support.ts';
import { fixturePath } from '../support/fixture-path.ts';

export const NOW = new Date('2026-11-25T12:00:00Z');

/** An in-memory advisory source over real records, answering like the mirror (candidates by name). */
export function recordSource(records: readonly OsvRecord[]): AdvisorySource {
  return {
    info: () => ({ kind: 'mirror', location: 'test/fixtures/advisories/osv', generation: 'g000001' }),
    async query(queries) {
      const out = new Map<string, OsvRecord[]>();
      for (const q of queries) {
        const keys = new Set(queryKeys(q));
        out.set(
          queryId(q),
          records.filter((r) =>
            (r.affected ?? []).some(
              (a) =>
                a.package &&
                queryKeys({ ...q, ecosystems: [a.package.ecosystem], name: a.package.name }).some((k) =>
                  keys.has(k),
                ),
            ),
          ),
        );
      }
      return { records: out, problems: [] };
    },
  };
}

/** Every stored PyPA record of the packages' names, and the Ray records. */
export function recordsFor(packages: readonly Package[]): OsvRecord[] {
  const names = [...new Set(packages.filter((p) => p.ecosystem === 'pypi').map((p) => p.name))];
  const pypa = names.filter((n) => existsSync(path.join(PYPA_VULNS, n))).flatMap((n) => pypaPackage(n));
  const ray = JSON.parse(
    readFileSync(fixturePath('advisories', 'osv', 'ray-derived', 'ray-pysec.json'), 'utf8'),
  ) as OsvRecord[];
  return [...pypa, ...ray];
}

/** `assessPackages` over real records. */
export async function assess(packages: readonly Package[], extra: OsvRecord[] = []): Promise<Assessment> {
  return assessPackages(packages, recordSource([...recordsFor(packages), ...extra]), { now: NOW });
}

/** Scans a lock or requirements file with the declared catalogers, as `raygate pins FILE` does. */
export async function scanLock(file: string): Promise<{ packages: Package[]; report: PinReport }> {
  const { source, singleFile } = await openTarget(file);
  const scan = await scanSource(source, { catalogers: selectCatalogers(['declared']), singleFile });
  return { packages: scan.packages, report: analyzePins(scan, { rootFile: singleFile }) };
}

export const RAY_LOCK = fixturePath('sbom', 'requirements', 'ray', 'requirements_compiled_ray_img_3.9.txt');
export const UV_LOCK = fixturePath('sbom', 'uv-lock', 'syft', 'simple-deps', 'uv.lock');

/** `raygate ray lint` over KubeRay samples (paths under test/fixtures/ray). */
export function lintKubeRay(files: string[]): Promise<RayLintResult> {
  return lintFixtures(files);
}

const PUBLIC_GOOD = parseTrustedRoot(
  JSON.parse(readFileSync(fixturePath('attest', 'trust', 'trusted_root.public-good.json'), 'utf8')),
);

/**
 * Verifies a real bundle against its artifact and the public-good root, accepting any signer (the policy
 * judges identities), and adapts the outcome — verified or failed — to evidence.
 */
export function verifiedEvidence(
  bundleFile: string,
  artifact: Uint8Array,
  source = 'uploaded',
): AttestationEvidence {
  const bundle = parseBundle(readFileSync(bundleFile));
  let result: { verified: ReturnType<typeof verifyBundle> } | { error: unknown };
  try {
    result = {
      verified: verifyBundle(bundle, { kind: 'bytes', bytes: artifact }, toTrust(PUBLIC_GOOD), {
        kind: 'identity',
        policy: {},
      }),
    };
  } catch (error) {
    result = { error };
  }
  return toAttestationEvidence({ source, bundle, result });
}
