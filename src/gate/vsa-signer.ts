import { readFile } from 'node:fs/promises';
import type { SerializedBundle } from '@sigstore/bundle';
import { createKeySigner } from '../attest/key-signer.ts';
import { signToBundle } from '../attest/sign-client.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../attest/statement.ts';
import type { GateKeylessConfig } from '../config.ts';
import { RaygateError } from '../shared/errors.ts';
import type { SigningKey } from './signing-key.ts';

/** Signs VSA statements into DSSE Sigstore bundles. */
export interface VsaSigner {
  /** `key:<hint>` or `keyless:<fulcio url>`: recorded with each VSA. */
  readonly identity: string;
  /** The public key verifiers use, for key signing. */
  readonly publicKeyPem?: string;
  readonly keyHint?: string;
  sign(statement: Buffer): Promise<SerializedBundle>;
}

/** Signs with the service's own key: no certificate, no transparency log; verifiers are given the public key. */
export function keyVsaSigner(key: SigningKey): VsaSigner {
  const signer = createKeySigner(key.privateKey, key.type);
  return {
    identity: `key:${key.hint}`,
    publicKeyPem: key.publicKeyPem,
    keyHint: key.hint,
    sign: (statement) =>
      signToBundle({
        data: statement,
        content: { kind: 'dsse', payloadType: IN_TOTO_PAYLOAD_TYPE },
        identity: { kind: 'key', signer },
        services: {},
      }),
  };
}

/**
 * Signs keylessly: a Fulcio certificate for the workload's OIDC identity (a token file the platform keeps
 * fresh, read at each signing), logged in Rekor and timestamped when those are configured.
 */
export function keylessVsaSigner(config: GateKeylessConfig): VsaSigner {
  return {
    identity: `keyless:${config.fulcioUrl}`,
    async sign(statement) {
      let token: string;
      try {
        token = (await readFile(config.identityTokenFile, 'utf8')).trim();
      } catch (error) {
        throw new RaygateError(
          'VSA_IDENTITY_UNAVAILABLE',
          'unavailable',
          `Cannot read the OIDC token file ${config.identityTokenFile}: ${(error as Error).message}`,
        );
      }
      return signToBundle({
        data: statement,
        content: { kind: 'dsse', payloadType: IN_TOTO_PAYLOAD_TYPE },
        identity: { kind: 'keyless', identityToken: token },
        services: {
          fulcioUrl: config.fulcioUrl,
          ...(config.rekorUrl ? { rekor: { url: config.rekorUrl, majorApiVersion: 1 as const } } : {}),
          ...(config.tsaUrl ? { tsaUrl: config.tsaUrl } : {}),
        },
        entryType: 'intoto',
        retries: 1,
      });
    },
  };
}
