import { readFile, stat } from 'node:fs/promises';
import { Option } from 'commander';
import type { Command } from 'commander';
import { isRaygateError, RaygateError } from '../../shared/errors.ts';
import { say, writeOutput } from '../output.ts';
import type { RegisterCommand } from './index.ts';
import { pushBundle, resolveImageSubject, withImagePushOptions } from './image-subject.ts';
import type { ImagePushOptions } from './image-subject.ts';
// Types only: @sigstore/sign loads when a signing command runs.
import type { SerializedBundle } from '@sigstore/bundle';
import type { SignRequest, SigningIdentity } from '../../attest/sign-client.ts';
import type { ArtifactInput } from '../../attest/statement.ts';
import type { SigningServices } from '../../attest/signing-config.ts';

/** Options shared by `sign` and `attest`. */
export interface SigningOptions {
  bundle: string;
  identityToken?: string;
  key?: string;
  keyPassphraseEnv?: string;
  signingConfig?: string;
  staging?: boolean;
  fulcioUrl?: string;
  rekorUrl?: string;
  rekorVersion?: '1' | '2';
  tsaUrl?: string;
  tlog: boolean;
  trustedRoot?: string;
  timeoutMs?: number;
}

export async function readBoundedFile(
  file: string,
  what: string,
  code: string,
  limit: number,
): Promise<Buffer> {
  try {
    const info = await stat(file);
    if (info.size > limit) {
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

/** Adds the signing options to a command (`sign`, `attest`). */
export function withSigningOptions(command: Command): Command {
  return command
    .requiredOption('--bundle <FILE>', 'where to write the Sigstore bundle (JSON)')
    .option(
      '--identity-token <TOKEN>',
      'OIDC identity token for keyless signing (default: $SIGSTORE_ID_TOKEN, or the ambient GitHub Actions token)',
    )
    .option(
      '--key <PRIVATE_KEY.pem>',
      'sign with this ECDSA P-256 or Ed25519 private key instead (a public-key bundle)',
    )
    .option('--key-passphrase-env <VAR>', 'environment variable holding the passphrase of an encrypted --key')
    .option(
      '--signing-config <FILE>',
      'Sigstore signing config (v0.2) naming the Fulcio, Rekor and TSA to use',
    )
    .option('--staging', "use Sigstore's staging instance")
    .option('--fulcio-url <URL>', 'Fulcio (certificate authority) base URL')
    .option('--rekor-url <URL>', 'Rekor (transparency log) base URL')
    .addOption(new Option('--rekor-version <N>', 'Rekor API major version').choices(['1', '2']))
    .option('--tsa-url <URL>', 'RFC 3161 timestamp authority URL')
    .option('--no-tlog', 'do not record the signature in a transparency log')
    .option('--trusted-root <FILE>', 'verify the new bundle against this trusted root before writing it')
    .addOption(
      new Option('--timeout-ms <MS>', 'timeout for each request to a Sigstore service')
        .argParser((v) => Number(v))
        .default(30_000),
    );
}

async function servicesFor(options: SigningOptions, keyless: boolean): Promise<SigningServices> {
  const client = await import('../../attest/sign-client.ts');
  let services: SigningServices;
  if (options.signingConfig) {
    const { parseSigningConfig } = await import('../../attest/signing-config.ts');
    const text = await readBoundedFile(
      options.signingConfig,
      'the signing config',
      'SIGNING_CONFIG_INVALID',
      1024 * 1024,
    );
    let json: unknown;
    try {
      json = JSON.parse(text.toString('utf8'));
    } catch (error) {
      throw new RaygateError(
        'SIGNING_CONFIG_INVALID',
        'input',
        `The signing config is not JSON: ${(error as Error).message}.`,
      );
    }
    services = parseSigningConfig(json, new Date());
  } else if (keyless) {
    services = { ...(options.staging ? client.STAGING_SERVICES : client.PUBLIC_GOOD_SERVICES) };
  } else {
    // Key-based signing is local unless a log or timestamp authority is asked for.
    services = {};
  }
  if (options.fulcioUrl) services.fulcioUrl = options.fulcioUrl;
  if (options.rekorUrl) services.rekor = { url: options.rekorUrl, majorApiVersion: 1 };
  if (options.rekorVersion && services.rekor)
    services.rekor.majorApiVersion = options.rekorVersion === '2' ? 2 : 1;
  if (options.tsaUrl) services.tsaUrl = options.tsaUrl;
  if (!options.tlog) services.rekor = undefined;
  return services;
}

async function identityFor(options: SigningOptions): Promise<SigningIdentity> {
  if (options.key !== undefined) {
    if (options.identityToken !== undefined) {
      throw new RaygateError(
        'USAGE_CONFLICT',
        'usage',
        '--key and --identity-token are two ways to sign; choose one.',
      );
    }
    const [{ parsePrivateKey }, { createKeySigner }] = await Promise.all([
      import('../../attest/keys.ts'),
      import('../../attest/key-signer.ts'),
    ]);
    const pem = (await readBoundedFile(options.key, 'the key', 'SIGNING_KEY_INVALID', 64 * 1024)).toString(
      'utf8',
    );
    const passphrase = options.keyPassphraseEnv ? process.env[options.keyPassphraseEnv] : undefined;
    const { key, type } = parsePrivateKey(pem, options.key, passphrase);
    return { kind: 'key', signer: createKeySigner(key, type) };
  }
  return {
    kind: 'keyless',
    identityToken: options.identityToken ?? (process.env.SIGSTORE_ID_TOKEN || undefined),
  };
}

/** Verifies a bundle raygate just made against `--trusted-root`, so a broken service is caught before release. */
async function verifyFresh(
  bundle: SerializedBundle,
  artifact: ArtifactInput,
  trustedRoot: string,
): Promise<void> {
  const [
    { parseBundle },
    { verifyBundle },
    { readTrustedRootFile },
    { toTrust },
    { readSignerCertificate },
    core,
  ] = await Promise.all([
    import('../../attest/bundle.ts'),
    import('../../attest/verify.ts'),
    import('../../attest/trusted-root-reader.ts'),
    import('../../attest/trusted-root.ts'),
    import('../../attest/fulcio-certificate.ts'),
    import('@sigstore/core'),
  ]);
  const parsed = parseBundle(JSON.stringify(bundle));
  const material = parsed.bundle.verificationMaterial.content;
  const { root } = await readTrustedRootFile(trustedRoot);
  if (material.$case !== 'certificate') return; // a key-signed bundle has no certificate to check against trust
  const signer = readSignerCertificate(
    core.X509Certificate.parse(Buffer.from(material.certificate.rawBytes)),
  );
  verifyBundle(parsed, artifact, toTrust(root), {
    kind: 'identity',
    policy: {
      identity: { exact: signer.identities[0] ?? '' },
      issuer: signer.issuer === undefined ? undefined : { exact: signer.issuer },
    },
  });
}

/** Signs `data` with the command's options, writes the bundle, and reports what was made. */
export async function signAndWrite(
  data: Buffer,
  content: SignRequest['content'],
  options: SigningOptions,
  /** What the bundle is for, to verify it against --trusted-root before it is written. */
  artifact: ArtifactInput,
  entryType?: 'dsse' | 'intoto',
): Promise<SerializedBundle> {
  const identity = await identityFor(options);
  const services = await servicesFor(options, identity.kind === 'keyless');
  const { signToBundle } = await import('../../attest/sign-client.ts');
  const bundle = await signToBundle({
    data,
    content,
    identity,
    services,
    entryType,
    timeoutMs: options.timeoutMs,
  });
  if (options.trustedRoot) await verifyFresh(bundle, artifact, options.trustedRoot);
  await writeOutput(`${JSON.stringify(bundle)}\n`, options.bundle);
  const entries = (bundle.verificationMaterial.tlogEntries ?? []).map(
    (e) => `${e.kindVersion?.kind ?? 'log'} entry ${e.logIndex}`,
  );
  say(
    `Wrote ${options.bundle}: ${identity.kind === 'key' ? 'signed with a key' : 'signed keylessly'}${entries.length ? `, logged as ${entries.join(', ')}` : ', not logged'}${(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps?.length ?? 0) > 0 ? ', timestamped' : ''}.`,
  );
  return bundle;
}

export const registerSign: RegisterCommand = (program: Command) =>
  withImagePushOptions(
    withSigningOptions(
      program
        .command('sign')
        .alias('sign-bundle')
        .description(
          'Sign a file into a Sigstore bundle: keyless with an OIDC identity (Fulcio certificate, Rekor entry, optional RFC 3161 timestamp) or with a local key. image:REF signs the image manifest digest (an in-toto statement of type https://sigstore.dev/cosign/sign/v1, as cosign does) and --push attaches it to the image.',
        )
        .argument('<FILE|image:REF>', 'the artifact to sign, or an image in a registry'),
    ),
  ).action(async (file: string, options: SigningOptions & ImagePushOptions) => {
    if (file.startsWith('image:')) {
      await signImage(file.slice('image:'.length), options);
      return;
    }
    if (options.push)
      throw new RaygateError(
        'USAGE_CONFLICT',
        'usage',
        '--push attaches a signature to an image: sign image:REF.',
      );
    const data = await readBoundedFile(
      file,
      'the artifact',
      'ARTIFACT_UNREADABLE',
      2 * 1024 * 1024 * 1024 - 1,
    );
    await signAndWrite(data, { kind: 'message' }, options, { kind: 'bytes', bytes: data });
  });

/** Signs an image's manifest digest the way cosign's bundle format does, and attaches it with --push. */
async function signImage(reference: string, options: SigningOptions & ImagePushOptions): Promise<void> {
  const image = await resolveImageSubject(reference, options);
  try {
    const [{ toStatement, IN_TOTO_PAYLOAD_TYPE }, { COSIGN_SIGN_PREDICATE }] = await Promise.all([
      import('../../attest/statement.ts'),
      import('../../attest/oci-referrers/media-types.ts'),
    ]);
    const hex = image.descriptor.digest.slice('sha256:'.length);
    const statement = Buffer.from(
      JSON.stringify(toStatement([{ name: image.name, digest: { sha256: hex } }], COSIGN_SIGN_PREDICATE, {})),
    );
    const bundle = await signAndWrite(
      statement,
      { kind: 'dsse', payloadType: IN_TOTO_PAYLOAD_TYPE },
      options,
      { kind: 'digest', algorithm: 'sha256', hex },
    );
    if (options.push) await pushBundle(image, bundle, COSIGN_SIGN_PREDICATE);
  } finally {
    await image.client.close();
  }
}
