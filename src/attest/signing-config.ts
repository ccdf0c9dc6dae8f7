import { SigningConfig } from '@sigstore/protobuf-specs';
import type { Service } from '@sigstore/protobuf-specs';
import { attestError, messageOf } from './errors.ts';

/** The services one signing uses. Rekor and TSA are optional witnesses; Fulcio is needed for keyless signing. */
export interface SigningServices {
  fulcioUrl?: string;
  rekor?: { url: string; majorApiVersion: 1 | 2 };
  tsaUrl?: string;
}

const MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.signingconfig\.v0\.[12]\+json$/;

/** API versions the @sigstore/sign clients speak. */
const SUPPORTED = { ca: 1, tlog: 2, tsa: 1 } as const;

function invalid(message: string, cause?: unknown): never {
  throw attestError('SIGNING_CONFIG_INVALID', `Signing config: ${message}`, {}, cause);
}

/**
 * The spec's selection rule: among services whose API version the client speaks and whose validity window
 * contains `now`, the highest API version, then the newest start.
 */
function select(services: Service[], maxVersion: number, now: Date): Service | undefined {
  return services
    .filter((service) => service.majorApiVersion >= 1 && service.majorApiVersion <= maxVersion)
    .filter((service) => {
      const start = service.validFor?.start;
      const end = service.validFor?.end;
      return (!start || start <= now) && (!end || now <= end);
    })
    .sort(
      (a, b) =>
        b.majorApiVersion - a.majorApiVersion ||
        (b.validFor?.start?.getTime() ?? 0) - (a.validFor?.start?.getTime() ?? 0),
    )[0];
}

/** Reads a Sigstore signing config (v0.2) and picks the Fulcio, Rekor and TSA to use at `now`. */
export function parseSigningConfig(json: unknown, now: Date): SigningServices {
  if (typeof json !== 'object' || json === null) invalid('not a JSON object.');
  const mediaType = (json as { mediaType?: unknown }).mediaType;
  if (typeof mediaType !== 'string' || !MEDIA_TYPE.test(mediaType)) {
    invalid(`${JSON.stringify(mediaType)} is not a signing config media type.`);
  }
  let config: SigningConfig;
  try {
    config = SigningConfig.fromJSON(json);
  } catch (error) {
    invalid(`cannot be read: ${messageOf(error)}`, error);
  }
  for (const [name, service] of [
    ...config.caUrls.map((s) => ['caUrls', s] as const),
    ...config.rekorTlogUrls.map((s) => ['rekorTlogUrls', s] as const),
    ...config.tsaUrls.map((s) => ['tsaUrls', s] as const),
  ]) {
    try {
      new URL(service.url);
    } catch {
      invalid(`${name} has an invalid URL ${JSON.stringify(service.url)}.`);
    }
  }
  const ca = select(config.caUrls, SUPPORTED.ca, now);
  const tlog = select(config.rekorTlogUrls, SUPPORTED.tlog, now);
  const tsa = select(config.tsaUrls, SUPPORTED.tsa, now);
  if (config.caUrls.length > 0 && !ca) invalid('no certificate authority is usable now.');
  if (config.rekorTlogUrls.length > 0 && !tlog) invalid('no transparency log is usable now.');
  if (config.tsaUrls.length > 0 && !tsa) invalid('no timestamp authority is usable now.');
  return {
    fulcioUrl: ca?.url,
    rekor: tlog ? { url: tlog.url, majorApiVersion: tlog.majorApiVersion === 2 ? 2 : 1 } : undefined,
    tsaUrl: tsa?.url,
  };
}
