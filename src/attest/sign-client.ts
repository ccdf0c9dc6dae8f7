import { bundleToJSON } from '@sigstore/bundle';
import type { SerializedBundle } from '@sigstore/bundle';
import {
  CIContextProvider,
  DSSEBundleBuilder,
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
  TSAWitness,
} from '@sigstore/sign';
import type { BundleBuilderOptions, IdentityProvider, Signer, Witness } from '@sigstore/sign';
import { isRaygateError } from '../shared/errors.ts';
import { attestError, messageOf, sigstoreCodeOf } from './errors.ts';
import type { SigningServices } from './signing-config.ts';

export const PUBLIC_GOOD_SERVICES: SigningServices = {
  fulcioUrl: 'https://fulcio.sigstore.dev',
  rekor: { url: 'https://rekor.sigstore.dev', majorApiVersion: 1 },
};
export const STAGING_SERVICES: SigningServices = {
  fulcioUrl: 'https://fulcio.sigstage.dev',
  rekor: { url: 'https://rekor.sigstage.dev', majorApiVersion: 1 },
};

/** Who signs: an OIDC identity through Fulcio (keyless), or a local key. */
export type SigningIdentity = { kind: 'keyless'; identityToken?: string } | { kind: 'key'; signer: Signer };

export interface SignRequest {
  data: Buffer;
  /** `message`: a signature over the artifact; `dsse`: an envelope around `data` with `payloadType`. */
  content: { kind: 'message' } | { kind: 'dsse'; payloadType: string };
  identity: SigningIdentity;
  services: SigningServices;
  /** Rekor v1 entry type for DSSE envelopes. */
  entryType?: 'dsse' | 'intoto';
  timeoutMs?: number;
  retries?: number;
}

/** The OIDC token: the one given, or the ambient one of a CI system (GitHub Actions) with audience `sigstore`. */
function identityProvider(token: string | undefined): IdentityProvider {
  if (token !== undefined) return { getToken: async () => token };
  const ambient = new CIContextProvider('sigstore');
  return {
    getToken: () =>
      ambient.getToken().catch((error: unknown) => {
        throw attestError(
          'SIGNING_IDENTITY_UNAVAILABLE',
          `No OIDC identity token: pass --identity-token (or SIGSTORE_ID_TOKEN), run in GitHub Actions with "id-token: write", or sign with --key. (${messageOf(error)})`,
          {},
          error,
        );
      }),
  };
}

function witnesses(request: SignRequest): Witness[] {
  const fetch = { timeout: request.timeoutMs ?? 30_000, retry: request.retries ?? 2 };
  const list: Witness[] = [];
  const { rekor, tsaUrl } = request.services;
  if (rekor) {
    list.push(
      new RekorWitness({
        rekorBaseURL: rekor.url,
        majorApiVersion: rekor.majorApiVersion,
        entryType: request.content.kind === 'dsse' ? (request.entryType ?? 'dsse') : undefined,
        ...fetch,
      }),
    );
  }
  if (tsaUrl) list.push(new TSAWitness({ tsaBaseURL: tsaUrl, ...fetch }));
  return list;
}

function signer(request: SignRequest): Signer {
  if (request.identity.kind === 'key') return request.identity.signer;
  if (!request.services.fulcioUrl) {
    throw attestError(
      'SIGNING_CONFIG_INVALID',
      'Keyless signing needs a Fulcio URL (--fulcio-url or --signing-config).',
    );
  }
  return new FulcioSigner({
    fulcioBaseURL: request.services.fulcioUrl,
    identityProvider: identityProvider(request.identity.identityToken),
    timeout: request.timeoutMs ?? 30_000,
    retry: request.retries ?? 2,
  });
}

/** Signs through the real @sigstore/sign clients and returns the bundle as JSON (a v0.3 bundle). */
export async function signToBundle(request: SignRequest): Promise<SerializedBundle> {
  const options: BundleBuilderOptions = { signer: signer(request), witnesses: witnesses(request) };
  try {
    const bundle =
      request.content.kind === 'dsse'
        ? await new DSSEBundleBuilder(options).create({
            data: request.data,
            type: request.content.payloadType,
          })
        : await new MessageSignatureBundleBuilder(options).create({ data: request.data });
    return bundleToJSON(bundle);
  } catch (error) {
    for (let link: unknown = error; link; link = (link as { cause?: unknown }).cause) {
      if (isRaygateError(link)) throw link;
    }
    const cause = (error as { cause?: unknown }).cause;
    throw attestError(
      'SIGNING_FAILED',
      `Signing failed: ${messageOf(error)}${cause ? ` (${messageOf(cause)})` : ''}.`,
      { sigstoreCode: sigstoreCodeOf(error) ?? 'UNCODED' },
      error,
    );
  }
}
