import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseBundle } from '../../src/attest/bundle.ts';
import type { ParsedBundle } from '../../src/attest/bundle.ts';
import type { ArtifactInput } from '../../src/attest/statement.ts';
import { parseTrustedRoot, toTrust } from '../../src/attest/trusted-root.ts';
import type { TrustedRoot } from '../../src/attest/trusted-root.ts';
import { verifyBundle } from '../../src/attest/verify.ts';
import type { SignerExpectation, Thresholds, VerifiedBundle } from '../../src/attest/verify.ts';
import { REPO_ROOT } from '../support/run-cli.ts';

export const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/attest');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

export function readFixture(name: string): Buffer {
  return readFileSync(fixture(name));
}

export function readJson(name: string): Record<string, unknown> {
  return JSON.parse(readFixture(name).toString('utf8')) as Record<string, unknown>;
}

export function trustedRoot(name: string): TrustedRoot {
  return parseTrustedRoot(readJson(name));
}

export const PUBLIC_GOOD = 'trust/trusted_root.public-good.json';
export const STAGING = 'trust/trusted_root.staging.json';

export function fileArtifact(name: string): ArtifactInput {
  return { kind: 'bytes', bytes: readFixture(name) };
}

export function identity(exact: string, issuer: string): SignerExpectation {
  return { kind: 'identity', policy: { identity: { exact }, issuer: { exact: issuer } } };
}

/** Verifies bundle JSON (a fixture name, or an already-parsed object such as a tampered copy). */
export function verifyJson(
  bundle: string | Record<string, unknown>,
  artifact: ArtifactInput,
  root: string,
  expectation: SignerExpectation,
  thresholds?: Thresholds,
): VerifiedBundle {
  const parsed: ParsedBundle = parseBundle(
    typeof bundle === 'string' ? readFixture(bundle) : JSON.stringify(bundle),
  );
  const publicKey = expectation.kind === 'key' ? expectation.publicKey : undefined;
  return verifyBundle(parsed, artifact, toTrust(trustedRoot(root), publicKey), expectation, thresholds);
}
