import type { Descriptor, Platform } from '../../oci/descriptor.ts';
import { parseImageConfig } from '../../oci/image-config.ts';
import { parseManifestDocument } from '../../oci/manifest.ts';
import type { ImageManifest } from '../../oci/manifest.ts';
import { formatPlatform, selectPlatform } from '../../oci/platform.ts';
import { RaygateError } from '../../shared/errors.ts';
import { describeImage } from './image-description.ts';
import type { ImageFacts } from './image-description.ts';
import type { ImageLimits } from './image-limits.ts';
import type { ResolvedImage } from './image-source.ts';
import type { LayerBlob } from './layer-reader.ts';

/** Content-addressed blobs of an OCI image layout (a folder or an archive of one). */
export interface BlobStore {
  where: string;
  /** Reads a small blob whole, bounded, its digest verified. */
  read(digest: string, maxBytes: number): Promise<Uint8Array>;
  open(blob: LayerBlob, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
  close(): Promise<void>;
}

const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';

export interface LayoutSelection {
  /** Tag (`ref.name` annotation) to pick from index.json; needed when it names several images. */
  tag?: string;
  platform: Platform;
}

/**
 * Resolves the image an OCI layout's index.json names: by tag when given, else its only image; a
 * multi-platform index is narrowed to the wanted platform. Then reads manifest and config.
 */
export async function resolveLayoutImage(
  store: BlobStore,
  indexBytes: Uint8Array,
  selection: LayoutSelection,
  limits: ImageLimits,
  base: Pick<ImageFacts, 'type' | 'name'>,
): Promise<ResolvedImage> {
  const top = parseManifestDocument(indexBytes, undefined, {
    maxLayers: limits.maxLayers,
    maxManifests: limits.maxLayers,
  });
  if (top.kind !== 'index')
    throw new RaygateError(
      'OCI_LAYOUT_INVALID',
      'input',
      `${store.where}: index.json is not an image index.`,
    );
  let candidates = top.manifests;
  if (selection.tag) {
    candidates = candidates.filter((d) => refName(d) === selection.tag);
    if (candidates.length === 0) {
      throw new RaygateError(
        'OCI_MANIFEST_UNKNOWN',
        'not-found',
        `Unknown image: ${store.where} has no image tagged '${selection.tag}' (it has: ${listTags(top.manifests)}).`,
      );
    }
  }
  let chosen: Descriptor;
  if (candidates.length === 1) chosen = candidates[0]!;
  else if (candidates.every((d) => d.platform))
    chosen = selectPlatform(candidates, selection.platform, store.where);
  else {
    throw new RaygateError(
      'OCI_LAYOUT_AMBIGUOUS',
      'usage',
      `${store.where} holds ${candidates.length} images; name one with :TAG (it has: ${listTags(top.manifests)}).`,
    );
  }
  const tag = selection.tag ?? refName(chosen);
  const manifest = await descend(store, chosen, selection.platform, limits, 0);
  const config = parseImageConfig(await store.read(manifest.manifest.config.digest, limits.maxManifestBytes));
  const layers: LayerBlob[] = manifest.manifest.layers.map((l) => ({
    digest: l.digest,
    mediaType: l.mediaType,
    size: l.size,
  }));
  const facts: ImageFacts = {
    ...base,
    manifestDigest: manifest.digest,
    configDigest: manifest.manifest.config.digest,
    platform: config.platform,
    layers: layers.map((l) => l.digest),
    diffIds: config.diffIds,
    ...(tag ? { tag } : {}),
    ...(config.created ? { created: config.created } : {}),
  };
  return {
    description: describeImage(facts),
    layers,
    openBlob: (blob, signal) => store.open(blob, signal),
    close: () => store.close(),
  };
}

async function descend(
  store: BlobStore,
  descriptor: Descriptor,
  platform: Platform,
  limits: ImageLimits,
  depth: number,
): Promise<{ manifest: ImageManifest; digest: string }> {
  if (depth > 4)
    throw new RaygateError('OCI_MANIFEST_INVALID', 'input', `${store.where}: indexes nest too deep.`);
  const bytes = await store.read(descriptor.digest, limits.maxManifestBytes);
  const doc = parseManifestDocument(bytes, descriptor.mediaType, {
    maxLayers: limits.maxLayers,
    maxManifests: limits.maxLayers,
  });
  if (doc.kind === 'manifest') return { manifest: doc, digest: descriptor.digest };
  const next = selectPlatform(doc.manifests, platform, `${store.where} (${descriptor.digest})`);
  return descend(store, next, platform, limits, depth + 1);
}

function refName(d: Descriptor): string | undefined {
  const name = d.annotations?.[REF_NAME];
  if (name) return name;
  const full = d.annotations?.[CONTAINERD_NAME];
  if (!full) return undefined;
  const colon = full.lastIndexOf(':');
  return colon > full.lastIndexOf('/') ? full.slice(colon + 1) : undefined;
}

function listTags(manifests: readonly Descriptor[]): string {
  const tags = manifests.map(
    (d) => refName(d) ?? (d.platform ? formatPlatform(d.platform) : d.digest.slice(0, 19)),
  );
  return tags.length > 0 ? tags.join(', ') : 'nothing';
}
