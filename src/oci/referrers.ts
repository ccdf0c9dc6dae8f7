import { createHash } from 'node:crypto';
import { RaygateError } from '../shared/errors.ts';
import { isDigest } from './descriptor.ts';
import type { Descriptor } from './descriptor.ts';
import { MEDIA_TYPES } from './media-types.ts';

/**
 * OCI 1.1 artifacts that refer to an image (distribution-spec "Listing Referrers" and "Referrers Tag
 * Schema"), and cosign's older tag convention. Pure: documents in, documents out.
 */

/** The empty JSON blob artifacts use as their config (`{}`). */
export const EMPTY_BLOB = Buffer.from('{}');
export const EMPTY_DESCRIPTOR: Descriptor = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest: `sha256:${createHash('sha256').update(EMPTY_BLOB).digest('hex')}`,
  size: 2,
};

/** The tag a registry without the referrers API keeps the referrers index under: `sha256-<hex>`. */
export function referrersTag(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return `${algorithm}-${hex}`.slice(0, 128);
}

/** cosign's tags beside an image: `sha256-<hex>.sig` (signatures), `.att` (attestations). */
export function cosignTag(digest: string, suffix: 'sig' | 'att'): string {
  return `${referrersTag(digest)}.${suffix}`;
}

/** An image or artifact manifest of any layer media types (unlike an image to scan). */
export interface ArtifactManifest {
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations: Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(reason: string): RaygateError {
  return new RaygateError('OCI_MANIFEST_INVALID', 'input', `The artifact manifest is invalid: ${reason}.`);
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(value)) for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

function descriptor(value: unknown, where: string): Descriptor {
  if (!isRecord(value)) throw invalid(`${where} is not an object`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || mediaType === '') throw invalid(`${where} has no mediaType`);
  if (!isDigest(digest)) throw invalid(`${where} has an invalid digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw invalid(`${where} has an invalid size`);
  const out: Descriptor = { mediaType, digest, size };
  if (typeof value.artifactType === 'string') out.artifactType = value.artifactType;
  const annotations = stringRecord(value.annotations);
  if (Object.keys(annotations).length > 0) out.annotations = annotations;
  return out;
}

function parseJson(bytes: Uint8Array, what: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new RaygateError('OCI_MANIFEST_INVALID', 'input', `The ${what} is not valid JSON.`, {
      cause: error,
    });
  }
  if (!isRecord(json)) throw invalid(`the ${what} is not a JSON object`);
  return json;
}

/** Reads an OCI image manifest used as an artifact (signature, attestation, Sigstore bundle). */
export function parseArtifactManifest(bytes: Uint8Array, maxLayers = 64): ArtifactManifest {
  const json = parseJson(bytes, 'artifact manifest');
  const mediaType = typeof json.mediaType === 'string' ? json.mediaType : MEDIA_TYPES.ociManifest;
  if (mediaType !== MEDIA_TYPES.ociManifest && mediaType !== MEDIA_TYPES.dockerManifest) {
    throw invalid(`its media type is ${mediaType}`);
  }
  if (!Array.isArray(json.layers)) throw invalid('it has no layers list');
  if (json.layers.length > maxLayers) {
    throw new RaygateError(
      'OCI_MANIFEST_TOO_LARGE',
      'limit',
      `The artifact manifest has ${json.layers.length} layers; at most ${maxLayers} are read.`,
    );
  }
  const manifest: ArtifactManifest = {
    mediaType,
    config: descriptor(json.config, 'config'),
    layers: json.layers.map((l, i) => descriptor(l, `layers[${i}]`)),
    annotations: stringRecord(json.annotations),
  };
  if (typeof json.artifactType === 'string') manifest.artifactType = json.artifactType;
  if (json.subject !== undefined) manifest.subject = descriptor(json.subject, 'subject');
  return manifest;
}

/** The descriptors of a referrers response or fallback index (several pages), bounded in number. */
export function parseReferrersIndex(pages: readonly Uint8Array[], maxReferrers: number): Descriptor[] {
  const out: Descriptor[] = [];
  for (const page of pages) {
    const json = parseJson(page, 'referrers index');
    if (!Array.isArray(json.manifests)) throw invalid('the referrers index has no manifests list');
    if (out.length + json.manifests.length > maxReferrers) {
      throw new RaygateError(
        'OCI_REFERRERS_TOO_MANY',
        'limit',
        `The image has more than ${maxReferrers} referrers; raygate reads at most that many.`,
      );
    }
    json.manifests.forEach((d, i) => out.push(descriptor(d, `manifests[${i}]`)));
  }
  return out;
}

/** The artifact manifest that attaches one blob (a Sigstore bundle) to an image, as OCI 1.1 describes. */
export function buildArtifactManifest(options: {
  artifactType: string;
  layer: Descriptor;
  subject: Descriptor;
  annotations?: Record<string, string>;
}): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      artifactType: options.artifactType,
      config: EMPTY_DESCRIPTOR,
      layers: [options.layer],
      subject: {
        mediaType: options.subject.mediaType,
        digest: options.subject.digest,
        size: options.subject.size,
      },
      ...(options.annotations && Object.keys(options.annotations).length > 0
        ? { annotations: options.annotations }
        : {}),
    }),
  );
}

/** The referrers tag index with `referrer` added (or kept once, when it is already listed). */
export function addToReferrersIndex(
  existing: Uint8Array | undefined,
  referrer: Descriptor,
  maxReferrers: number,
): Buffer {
  const manifests = existing ? parseReferrersIndex([existing], maxReferrers) : [];
  const kept = manifests.filter((d) => d.digest !== referrer.digest);
  return Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [...kept, referrer] }),
  );
}
