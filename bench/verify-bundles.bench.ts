/**
 * Bench: verify 1,000 real Sigstore bundles with raygate and with @sigstore/verify called directly, in the
 * same process, interleaved round by round so both see the same machine; then time single
 * `raygate verify-bundle` processes next to a bare `node` start-up measured in the same run.
 *
 *   node bench/verify-bundles.bench.ts [--bundles 1000] [--rounds 3] [--processes 9]
 *
 * Budgets (exit 1 when missed): raygate's in-process overhead < 10 %; one verify-bundle process < 400 ms.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { parseBundle } from '../src/attest/bundle.ts';
import { parseTrustedRoot, toTrust } from '../src/attest/trusted-root.ts';
import { verifyBundle } from '../src/attest/verify.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'test/fixtures/attest');
const read = (name: string) => readFileSync(path.join(FIXTURES, name));

const { values } = parseArgs({
  options: {
    bundles: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    processes: { type: 'string', default: '9' },
  },
});

const GITHUB = 'https://token.actions.githubusercontent.com';
const OAUTH = 'https://github.com/login/oauth';
/** Real bundles that verify, with their artifact, trusted root and signer. */
const CORPUS = [
  ...[
    'bundleV01-dsse-no-proof',
    'bundleV01-dsse-with-proof',
    'bundleV01-intoto-no-proof',
    'bundleV01-intoto-with-proof',
    'bundleV02-dsse',
    'bundleV02-intoto',
    'bundleV03-dsse',
    'bundleV03-intoto',
  ].map((b) => ({
    bundle: `sigstore-js/${b}.sigstore`,
    artifact: 'sigstore-js/sigstore-1.0.0.tgz',
    root: 'public-good',
    san: 'brian@dehamer.com',
    issuer: OAUTH,
  })),
  {
    bundle: 'sigstore-python/bundle.txt.sigstore',
    artifact: 'sigstore-python/bundle.txt',
    root: 'staging',
    san: 'a@tny.town',
    issuer: OAUTH,
  },
  {
    bundle: 'sigstore-python/bundle_v3.txt.sigstore',
    artifact: 'sigstore-python/bundle_v3.txt',
    root: 'staging',
    san: 'william@yossarian.net',
    issuer: OAUTH,
  },
  {
    bundle: 'sigstore-python/staging-rekor-v2.txt.sigstore.json',
    artifact: 'sigstore-python/staging-rekor-v2.txt',
    root: 'staging',
    san: 'jku@goto.fi',
    issuer: OAUTH,
  },
  {
    bundle: 'sigstore-python/bundle_v3_github.whl.sigstore',
    artifact: 'sigstore-python/bundle_v3_github.whl',
    root: 'public-good',
    san: 'https://github.com/trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2',
    issuer: GITHUB,
  },
  {
    bundle: 'github/sigstore-js-2.1.0-bundle.json',
    artifact: 'github/sigstore-js-2.1.0.tgz',
    root: 'public-good',
    san: 'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main',
    issuer: GITHUB,
  },
  {
    bundle: 'pep740/pypi_attestation_models-0.0.4a2.tar.gz.sigstore',
    artifact: 'pep740/pypi_attestation_models-0.0.4a2.tar.gz',
    root: 'public-good',
    san: 'https://github.com/trailofbits/pypi-attestation-models/.github/workflows/release.yml@refs/tags/v0.0.4a2',
    issuer: GITHUB,
  },
];

const rootJson = {
  'public-good': JSON.parse(read('trust/trusted_root.public-good.json').toString('utf8')),
  staging: JSON.parse(read('trust/trusted_root.staging.json').toString('utf8')),
} as Record<string, unknown>;
// Trust material is built once per root on both sides, as a long-running verifier would.
const directTrust = Object.fromEntries(
  Object.entries(rootJson).map(([k, v]) => [k, toTrustMaterial(TrustedRoot.fromJSON(v))]),
);
const raygateTrust = Object.fromEntries(
  Object.entries(rootJson).map(([k, v]) => [k, toTrust(parseTrustedRoot(v))]),
);

const count = Number(values.bundles);
const work = Array.from({ length: count }, (_, i) => {
  const c = CORPUS[i % CORPUS.length]!;
  return { ...c, text: read(c.bundle).toString('utf8'), bytes: read(c.artifact) };
});

function direct(): void {
  for (const w of work) {
    const bundle = bundleFromJSON(JSON.parse(w.text));
    const escaped = w.san.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    new Verifier(directTrust[w.root]!).verify(toSignedEntity(bundle, w.bytes), {
      subjectAlternativeName: new RegExp(`^${escaped}$`),
      extensions: { issuer: w.issuer },
    });
  }
}

function raygate(): void {
  for (const w of work) {
    verifyBundle(parseBundle(w.text), { kind: 'bytes', bytes: w.bytes }, raygateTrust[w.root]!, {
      kind: 'identity',
      policy: { identity: { exact: w.san }, issuer: { exact: w.issuer } },
    });
  }
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Warm up both paths (JIT, lazy requires) before measuring.
direct();
raygate();
const rounds = Number(values.rounds);
const directMs: number[] = [];
const raygateMs: number[] = [];
const ratios: number[] = [];
for (let i = 0; i < rounds; i++) {
  // Alternate which side goes first, so neither always runs on a warmer machine.
  let d: number;
  let r: number;
  if (i % 2 === 0) {
    d = time(direct);
    r = time(raygate);
  } else {
    r = time(raygate);
    d = time(direct);
  }
  directMs.push(d);
  raygateMs.push(r);
  ratios.push(r / d);
}
const overhead = median(ratios) - 1;

const processes = Number(values.processes);
const c = CORPUS[6]!;
const args = [
  path.join(ROOT, 'bin/raygate.js'),
  'verify-bundle',
  '--bundle',
  path.join(FIXTURES, c.bundle),
  '--certificate-identity',
  c.san,
  '--certificate-oidc-issuer',
  c.issuer,
  '--trusted-root',
  path.join(FIXTURES, 'trust/trusted_root.public-good.json'),
  path.join(FIXTURES, c.artifact),
];
const wall = (argv: string[]) => {
  const start = performance.now();
  const run = spawnSync(process.execPath, argv, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`exit ${run.status}: ${run.stderr}`);
  return performance.now() - start;
};
wall(args); // fills Node's compile cache, as the first run on a CI machine does
const cliMs: number[] = [];
const nodeMs: number[] = [];
for (let i = 0; i < processes; i++) {
  cliMs.push(wall(args));
  nodeMs.push(wall(['-e', '']));
}
const cli = median(cliMs);
const bare = median(nodeMs);

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
console.log(
  `verify ${count} real bundles (${CORPUS.length} distinct: v0.1–v0.3, DSSE and message signatures, Rekor v1 and v2, RFC 3161), ${rounds} interleaved rounds`,
);
console.log(
  `  @sigstore/verify directly: median ${median(directMs).toFixed(0)} ms (${(median(directMs) / count).toFixed(2)} ms/bundle)`,
);
console.log(
  `  raygate verifyBundle:      median ${median(raygateMs).toFixed(0)} ms (${(median(raygateMs) / count).toFixed(2)} ms/bundle)`,
);
console.log(`  raygate overhead (median of per-round ratios): ${pct(overhead)}   budget < 10 %`);
console.log(
  `one \`raygate verify-bundle\` process, median of ${processes}: ${cli.toFixed(0)} ms wall   budget < 400 ms`,
);
console.log(
  `  bare \`node -e ''\` in the same run: ${bare.toFixed(0)} ms (raygate process = ${(cli / bare).toFixed(2)} × node start-up)`,
);
const ok = overhead < 0.1 && cli < 400;
console.log(ok ? 'within budget' : 'OVER BUDGET');
process.exitCode = ok ? 0 : 1;
