import { RaygateError } from '../shared/errors.ts';
import { isDigest } from './descriptor.ts';
import type { Descriptor, Platform } from './descriptor.ts';
import { INDEX_TYPES, MANIFEST_TYPES, MEDIA_TYPES, isLayerMediaType } from './media-types.ts';

export interface ImageIndex {
  kind: 'index';
  mediaType: string;
  manifests: Descriptor[];
}

export interface ImageManifest {
  kind: 'manifest';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export type ManifestDocument = ImageIndex | ImageManifest;

export interface ManifestParseLimits {
  maxLayers: number;
  maxManifests: number;
}

const DEFAULT_LIMITS: ManifestParseLimits = { maxLayers: 1000, maxManifests: 1000 };

/**
 * Parses and validates a manifest or index (OCI or Docker v2 schema 2). `contentType` is what the
 * registry or layout declared; the document's own `mediaType` field must agree with it when both exist.
 * Anything else (schema 1, an artifact with no layers of a tar type) is OCI_UNSUPPORTED_MEDIA_TYPE.
 */
export function parseManifestDocument(
  bytes: Uint8Array,
  contentType: string | undefined,
  limits: ManifestParseLimits = DEFAULT_LIMITS,
): ManifestDocument {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new RaygateError('OCI_MANIFEST_INVALID', 'input', 'The image manifest is not valid JSON.', {
      cause: error,
    });
  }
  if (!isObject(json)) throw invalid('it is not a JSON object');
  const declared = typeof json.mediaType === 'string' ? json.mediaType : undefined;
  let mediaType = declared ?? contentType;
  if (declared && contentType && declared !== contentType && contentType !== 'application/json') {
    throw invalid(`its mediaType ${declared} differs from the Content-Type ${contentType}`);
  }
  if (!mediaType || mediaType === 'application/json') {
    // OCI layouts may omit mediaType: tell an index from a manifest by shape.
    mediaType = Array.isArray(json.manifests) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest;
  }
  if (mediaType === MEDIA_TYPES.dockerSchema1 || mediaType === MEDIA_TYPES.dockerSchema1Signed) {
    throw new RaygateError(
      'OCI_UNSUPPORTED_MEDIA_TYPE',
      'input',
      `Docker schema 1 manifests (${mediaType}) are deprecated and not read; re-push the image with a current client.`,
    );
  }
  if (INDEX_TYPES.includes(mediaType)) {
    if (!Array.isArray(json.manifests)) throw invalid('the index has no manifests list');
    if (json.manifests.length > limits.maxManifests) {
      throw new RaygateError(
        'OCI_MANIFEST_TOO_LARGE',
        'limit',
        `The index lists ${json.manifests.length} manifests, more than the ${limits.maxManifests} allowed.`,
      );
    }
    return {
      kind: 'index',
      mediaType,
      manifests: json.manifests.map((d, i) => descriptor(d, `manifests[${i}]`)),
    };
  }
  if (MANIFEST_TYPES.includes(mediaType)) {
    if (!Array.isArray(json.layers)) throw invalid('the manifest has no layers list');
    if (json.layers.length > limits.maxLayers) {
      throw new RaygateError(
        'SBOM_IMAGE_TOO_MANY_LAYERS',
        'limit',
        `The manifest lists ${json.layers.length} layers, more than the ${limits.maxLayers} allowed.`,
      );
    }
    const config = descriptor(json.config, 'config');
    const layers = json.layers.map((d, i) => descriptor(d, `layers[${i}]`));
    for (const layer of layers) {
      if (!isLayerMediaType(layer.mediaType)) {
        throw new RaygateError(
          'OCI_UNSUPPORTED_MEDIA_TYPE',
          'input',
          `Layer ${layer.digest} has media type ${layer.mediaType}, which is not a container file system layer` +
            (typeof json.artifactType === 'string'
              ? ` (the manifest is an artifact of type ${json.artifactType})`
              : '') +
            '.',
        );
      }
    }
    const annotations = stringRecord(json.annotations);
    return { kind: 'manifest', mediaType, config, layers, ...(annotations ? { annotations } : {}) };
  }
  throw new RaygateError(
    'OCI_UNSUPPORTED_MEDIA_TYPE',
    'input',
    `The registry returned a document of type ${mediaType}, which is neither an image manifest nor an index.`,
  );
}

function descriptor(value: unknown, where: string): Descriptor {
  if (!isObject(value)) throw invalid(`${where} is not an object`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || mediaType === '') throw invalid(`${where} has no mediaType`);
  if (!isDigest(digest)) throw invalid(`${where} has an invalid digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw invalid(`${where} has an invalid size`);
  const out: Descriptor = { mediaType, digest, size };
  if (isObject(value.platform)) {
    const p = value.platform;
    if (typeof p.os === 'string' && typeof p.architecture === 'string') {
      const platform: Platform = { os: p.os, architecture: p.architecture };
      if (typeof p.variant === 'string') platform.variant = p.variant;
      if (typeof p['os.version'] === 'string') platform['os.version'] = p['os.version'];
      out.platform = platform;
    }
  }
  const annotations = stringRecord(value.annotations);
  if (annotations) out.annotations = annotations;
  if (Array.isArray(value.urls)) out.urls = value.urls.filter((u): u is string => typeof u === 'string');
  if (typeof value.artifactType === 'string') out.artifactType = value.artifactType;
  return out;
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

function invalid(reason: string): RaygateError {
  return new RaygateError('OCI_MANIFEST_INVALID', 'input', `The image manifest is invalid: ${reason}.`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
