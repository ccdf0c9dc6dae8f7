import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { isRaygateError, RaygateError } from '../../shared/errors.ts';
import { formatOption } from '../main.ts';
import { say, writeOutput } from '../output.ts';
import type { RegisterCommand } from './index.ts';
// Types only: the @sigstore libraries load when the command runs, so other commands never pay for them.
import type { ArtifactInput } from '../../attest/statement.ts';
import type { IdentityPolicy, Matcher } from '../../attest/identity-policy.ts';
import type { LoadedTrust } from '../../attest/trusted-root-reader.ts';
import type { ParsedBundle } from '../../attest/bundle.ts';
import type { VerifiedBundle } from '../../attest/verify.ts';

interface VerifyBundleOptions {
  bundle: string;
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  githubRepository?: string;
  githubWorkflow?: string;
  githubSignerWorkflow?: string;
  githubRef?: string;
  key?: string;
  trustedRoot?: string;
  staging?: boolean;
  offline?: boolean;
  tufMirror?: string;
  tufRoot?: string;
  tlogThreshold?: number;
  ctlogThreshold?: number;
  timestampThreshold?: number;
  format: 'text' | 'json';
  output?: string;
}

const SHA256_REF = /^sha256:([0-9a-fA-F]{64})$/;
const MAX_BUNDLE_FILE = 8 * 1024 * 1024;

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

function regexp(value: string): RegExp {
  try {
    return new RegExp(value, 'u');
  } catch (error) {
    throw new InvalidArgumentError(`not a regular expression: ${(error as Error).message}`);
  }
}

/** `~/.cache/raygate/tuf`, or `$RAYGATE_TUF_CACHE`. */
export function tufCacheDir(): string {
  if (process.env.RAYGATE_TUF_CACHE) return process.env.RAYGATE_TUF_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'raygate', 'tuf');
}

async function readInputFile(file: string, what: string, code: string, limit?: number): Promise<Buffer> {
  try {
    if (limit !== undefined) {
      const info = await stat(file);
      if (info.size > limit)
        throw new RaygateError(
          code,
          'input',
          `${what} ${file} is ${info.size} bytes, over the ${limit}-byte limit.`,
        );
    }
    return await readFile(file);
  } catch (error) {
    if (isRaygateError(error)) throw error;
    throw new RaygateError(code, 'input', `Cannot read ${what} ${file}: ${(error as Error).message}.`, {
      cause: error,
    });
  }
}

/** The conformance protocol's FILE_OR_DIGEST: `sha256:<hex>` is a digest unless a file of that name exists. */
async function readArtifact(fileOrDigest: string): Promise<ArtifactInput> {
  const digest = SHA256_REF.exec(fileOrDigest);
  if (digest?.[1] && !existsSync(fileOrDigest))
    return { kind: 'digest', algorithm: 'sha256', hex: digest[1].toLowerCase() };
  return { kind: 'bytes', bytes: await readInputFile(fileOrDigest, 'the artifact', 'ARTIFACT_UNREADABLE') };
}

function policyFrom(options: VerifyBundleOptions): IdentityPolicy {
  const matcher = (exact?: string, pattern?: string): Matcher | undefined =>
    exact !== undefined ? { exact } : pattern !== undefined ? { pattern: regexp(pattern) } : undefined;
  const github =
    options.githubRepository ?? options.githubWorkflow ?? options.githubSignerWorkflow ?? options.githubRef;
  return {
    identity: matcher(options.certificateIdentity, options.certificateIdentityRegexp),
    issuer: matcher(options.certificateOidcIssuer, options.certificateOidcIssuerRegexp),
    github:
      github === undefined
        ? undefined
        : {
            repository: options.githubRepository,
            workflow: options.githubWorkflow,
            signerWorkflow: options.githubSignerWorkflow,
            ref: options.githubRef,
          },
  };
}

function needsTrust(parsed: ParsedBundle, keyMode: boolean): boolean {
  const material = parsed.bundle.verificationMaterial;
  const hasTimestamps = (material.timestampVerificationData?.rfc3161Timestamps?.length ?? 0) > 0;
  return !keyMode || material.tlogEntries.length > 0 || hasTimestamps;
}

async function loadTrust(options: VerifyBundleOptions): Promise<LoadedTrust> {
  if (options.trustedRoot) {
    const { readTrustedRootFile } = await import('../../attest/trusted-root-reader.ts');
    return readTrustedRootFile(options.trustedRoot);
  }
  const reader = await import('../../attest/tuf-client.ts');
  const custom = options.tufMirror !== undefined;
  return reader.loadTufTrustedRoot({
    mirror: custom
      ? options.tufMirror!
      : options.staging
        ? reader.STAGING_TUF_MIRROR
        : reader.PUBLIC_GOOD_TUF_MIRROR,
    initialRoot: custom ? options.tufRoot : options.staging ? reader.STAGING_TUF_ROOT : undefined,
    cacheDir: tufCacheDir(),
    offline: Boolean(options.offline),
    now: new Date(),
  });
}

function describeVerified(result: VerifiedBundle): string[] {
  const lines: string[] = [];
  if (result.signer.kind === 'certificate') {
    lines.push(
      `signer: ${result.signer.identities.join(', ')} (issuer ${result.signer.issuer ?? 'unknown'})`,
    );
    const ext = result.signer.extensions;
    if (ext.sourceRepositoryURI)
      lines.push(`source: ${ext.sourceRepositoryURI} ${ext.sourceRepositoryRef ?? ''}`.trimEnd());
    if (ext.buildConfigURI) lines.push(`workflow: ${ext.buildConfigURI}`);
  } else {
    lines.push(`signer: public key${result.signer.hint ? ` ${result.signer.hint}` : ''}`);
  }
  for (const entry of result.tlogEntries) {
    lines.push(
      `log entry: ${entry.kind}/${entry.version} index ${entry.logIndex}${entry.integratedTime ? ` integrated ${entry.integratedTime}` : ''}`,
    );
  }
  for (const timestamp of result.timestamps) lines.push(`timestamp: ${timestamp.time} (${timestamp.source})`);
  if (result.statement) {
    lines.push(`statement: ${result.statement.type}, predicate ${result.statement.predicateType}`);
    lines.push(
      `subject: ${result.statement.matchedSubject.name} (${result.statement.subjects.length} subject(s))`,
    );
  }
  return lines;
}

async function run(fileOrDigest: string, options: VerifyBundleOptions): Promise<void> {
  const keyMode = options.key !== undefined;
  const identityFlags = [
    options.certificateIdentity,
    options.certificateIdentityRegexp,
    options.certificateOidcIssuer,
    options.certificateOidcIssuerRegexp,
    options.githubRepository,
    options.githubWorkflow,
    options.githubSignerWorkflow,
    options.githubRef,
  ].some((value) => value !== undefined);
  if (keyMode && identityFlags) {
    throw new RaygateError(
      'USAGE_CONFLICT',
      'usage',
      '--key verifies a key-signed bundle; it cannot be combined with certificate identity options.',
    );
  }
  if (options.tufRoot !== undefined && options.tufMirror === undefined) {
    throw new RaygateError('USAGE_CONFLICT', 'usage', '--tuf-root needs --tuf-mirror.');
  }
  const { assertPolicyComplete } = await import('../../attest/identity-policy.ts');
  const policy = keyMode ? undefined : policyFrom(options);
  if (policy) assertPolicyComplete(policy);

  const [{ parseBundle }, { verifyBundle, KEYLESS_THRESHOLDS }, trustModule, keys] = await Promise.all([
    import('../../attest/bundle.ts'),
    import('../../attest/verify.ts'),
    import('../../attest/trusted-root.ts'),
    import('../../attest/keys.ts'),
  ]);
  const parsed = parseBundle(
    await readInputFile(options.bundle, 'the bundle', 'BUNDLE_UNREADABLE', MAX_BUNDLE_FILE),
  );
  const artifact = await readArtifact(fileOrDigest);
  const publicKey = keyMode
    ? keys.parsePublicKey(
        (await readInputFile(options.key!, 'the key', 'PUBLIC_KEY_INVALID', 64 * 1024)).toString('utf8'),
        options.key!,
      )
    : undefined;
  const loaded: LoadedTrust | undefined = needsTrust(parsed, keyMode) ? await loadTrust(options) : undefined;
  const trust = trustModule.toTrust(loaded?.root ?? trustModule.emptyTrustedRoot(), publicKey);
  const result = verifyBundle(
    parsed,
    artifact,
    trust,
    publicKey ? { kind: 'key', publicKey } : { kind: 'identity', policy: policy! },
    {
      tlog: options.tlogThreshold ?? KEYLESS_THRESHOLDS.tlog,
      ctlog: options.ctlogThreshold ?? KEYLESS_THRESHOLDS.ctlog,
      timestamp: options.timestampThreshold ?? KEYLESS_THRESHOLDS.timestamp,
    },
  );
  if (options.format === 'json') {
    await writeOutput(
      `${JSON.stringify({ verified: true, ...result, trust: loaded?.source ?? null }, null, 2)}\n`,
      options.output,
    );
  } else {
    for (const line of describeVerified(result)) say(line);
    if (loaded?.source.kind === 'tuf' && loaded.source.via !== 'refresh')
      say(`trust: ${loaded.source.via} (${loaded.source.detail ?? ''})`);
  }
  say('Verified OK');
}

export const registerVerifyBundle: RegisterCommand = (program: Command) =>
  program
    .command('verify-bundle')
    .description(
      'Verify a Sigstore bundle (v0.1–v0.3) for a file or a sha256:<hex> digest: signature, certificate chain, transparency log, timestamps, signer identity and, for in-toto statements, that the artifact is a subject. Speaks the Sigstore conformance CLI protocol.',
    )
    .argument('<FILE_OR_DIGEST>', 'the artifact, or sha256:<64 hex> when no file of that name exists')
    .requiredOption('--bundle <FILE>', 'the Sigstore bundle (JSON)')
    .option(
      '--certificate-identity <IDENTITY>',
      "the signer's exact identity (certificate SAN: email or URI)",
    )
    .option(
      '--certificate-identity-regexp <REGEXP>',
      'a regular expression the identity must match (unanchored, as in cosign)',
    )
    .option('--certificate-oidc-issuer <URL>', 'the exact OIDC issuer that vouched for the signer')
    .option('--certificate-oidc-issuer-regexp <REGEXP>', 'a regular expression the OIDC issuer must match')
    .option(
      '--github-repository <OWNER/REPO>',
      'GitHub Actions: the source repository (Fulcio extension 1.12); implies the GitHub Actions issuer',
    )
    .option(
      '--github-workflow <PATH[@REF]>',
      'GitHub Actions: the workflow that ran, e.g. .github/workflows/release.yml (extension 1.18)',
    )
    .option(
      '--github-signer-workflow <OWNER/REPO/PATH[@REF]>',
      'GitHub Actions: the (reusable) workflow that signed (extension 1.9)',
    )
    .option(
      '--github-ref <GLOB>',
      'GitHub Actions: the git ref, e.g. refs/tags/v* (extension 1.14; * within a segment, ** across)',
    )
    .option(
      '--key <PUBLIC_KEY.pem>',
      'verify a key-signed bundle with this public key instead of a certificate identity',
    )
    .option(
      '--trusted-root <FILE>',
      'trust this trusted_root.json instead of the Sigstore public-good instance (private instances)',
    )
    .option('--staging', "use Sigstore's staging instance instead of public-good")
    .option(
      '--offline',
      'never use the network: trust comes from the TUF cache or the root shipped with raygate',
    )
    .option('--tuf-mirror <URL>', 'TUF repository of a private Sigstore instance')
    .option('--tuf-root <FILE>', 'initial TUF root.json for --tuf-mirror')
    .addOption(
      new Option('--tlog-threshold <N>', 'keyless: transparency log entries required').argParser(count),
    )
    .addOption(
      new Option('--ctlog-threshold <N>', 'keyless: certificate transparency SCTs required').argParser(count),
    )
    .addOption(
      new Option('--timestamp-threshold <N>', 'keyless: verified signing times required').argParser(count),
    )
    .addOption(formatOption(['text', 'json'], 'text'))
    .option('-o, --output <FILE>', 'write the JSON report to FILE instead of stdout')
    .addHelpText(
      'after',
      `
Trust: --trusted-root FILE, else the TUF repository (refreshed when reachable, else its local cache in
$RAYGATE_TUF_CACHE or ~/.cache/raygate/tuf, else the root shipped with @sigstore/tuf while unexpired).
Expired or inconsistent trust metadata is refused. Certificates are checked at the signed times.`,
    )
    .action(async (fileOrDigest: string, options: VerifyBundleOptions) => {
      try {
        await run(fileOrDigest, options);
      } catch (error) {
        if (options.format === 'json' && isRaygateError(error)) {
          const report = {
            verified: false,
            error: { code: error.code, message: error.message, details: error.details ?? {} },
          };
          await writeOutput(`${JSON.stringify(report, null, 2)}\n`, options.output);
        }
        throw error;
      }
    });
