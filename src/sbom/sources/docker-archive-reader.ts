import { parseImageConfig } from '../../oci/image-config.ts';
import { parseManifestDocument } from '../../oci/manifest.ts';
import type { ImageManifest } from '../../oci/manifest.ts';
import { RaygateError } from '../../shared/errors.ts';
import { archiveBlobStore, openArchive, verifyBlob } from './blob-stores.ts';
import type { OpenedArchive } from './blob-stores.ts';
import { describeImage } from './image-description.ts';
import type { ImageLimits } from './image-limits.ts';
import type { ResolvedImage } from './image-source.ts';
import type { LayerBlob } from './layer-reader.ts';

interface SaveEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

/**
 * A `docker save` archive: the legacy layout (`<id>/layer.tar`, `manifest.json`) and the OCI-in-tar one
 * newer Docker writes (`blobs/sha256/…` plus `index.json`), both read through `manifest.json`. Legacy
 * layers carry no descriptor digest: they are checked against the config's diff ids (the digest of the
 * uncompressed layer, which is what a legacy layer.tar is).
 */
export async function readDockerArchive(
  file: string,
  selection: { tag?: string },
  limits: ImageLimits,
  name: string,
): Promise<ResolvedImage> {
  const archive = await openArchive(file);
  try {
    return await resolve(archive, selection, limits, name);
  } catch (error) {
    await archive.close();
    throw error;
  }
}

async function resolve(
  archive: OpenedArchive,
  selection: { tag?: string },
  limits: ImageLimits,
  name: string,
): Promise<ResolvedImage> {
  const where = archive.where;
  if (!archive.has('manifest.json')) {
    throw new RaygateError(
      'SBOM_ARCHIVE_INVALID',
      'input',
      `${where} is not a docker save archive (no manifest.json).`,
    );
  }
  const entries = parseSaveManifest(await archive.read('manifest.json', limits.maxManifestBytes), where);
  let entry: SaveEntry | undefined;
  if (selection.tag) {
    entry = entries.find((e) =>
      e.RepoTags.some((t) => t === selection.tag || t.endsWith(`:${selection.tag}`)),
    );
    if (!entry) {
      throw new RaygateError(
        'OCI_MANIFEST_UNKNOWN',
        'not-found',
        `Unknown image: ${where} has no image tagged '${selection.tag}'.`,
      );
    }
  } else if (entries.length === 1) entry = entries[0];
  else {
    throw new RaygateError(
      'OCI_LAYOUT_AMBIGUOUS',
      'usage',
      `${where} holds ${entries.length} images; name one with :TAG (it has: ${entries.flatMap((e) => e.RepoTags).join(', ') || 'untagged images'}).`,
    );
  }
  if (!entry) throw new RaygateError('SBOM_ARCHIVE_INVALID', 'input', `${where} lists no image.`);
  if (entry.Layers.length > limits.maxLayers) {
    throw new RaygateError(
      'SBOM_IMAGE_TOO_MANY_LAYERS',
      'limit',
      `The image has ${entry.Layers.length} layers, more than the ${limits.maxLayers} allowed.`,
    );
  }
  const configBytes = await archive.read(entry.Config, limits.maxManifestBytes);
  const configDigest = blobDigestOf(entry.Config) ?? `sha256:${hexOfConfigName(entry.Config) ?? ''}`;
  if (/^sha256:[0-9a-f]{64}$/.test(configDigest)) verifyBlob(configBytes, configDigest, where);
  const config = parseImageConfig(configBytes);
  if (config.diffIds.length !== entry.Layers.length) {
    throw new RaygateError(
      'SBOM_ARCHIVE_INVALID',
      'input',
      `${where}: the image lists ${entry.Layers.length} layers but its config has ${config.diffIds.length} diff ids.`,
    );
  }
  const manifest = await findOciManifest(archive, configDigest, limits);
  const layers: LayerBlob[] = entry.Layers.map((layerPath, i) => {
    const descriptor = manifest?.manifest.layers[i];
    if (descriptor)
      return { digest: descriptor.digest, mediaType: descriptor.mediaType, size: descriptor.size };
    const digest = blobDigestOf(layerPath) ?? config.diffIds[i]!;
    const member = archive.members.get(`/${layerPath.replace(/^\.?\/+/, '')}`);
    return {
      digest,
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar',
      ...(member ? { size: member.size } : {}),
    };
  });
  const pathOf = new Map(layers.map((l, i) => [l.digest, entry.Layers[i]!]));
  const repoTag = entry.RepoTags[0];
  const tagSep = repoTag ? repoTag.lastIndexOf(':') : -1;
  const repository = repoTag && tagSep > repoTag.lastIndexOf('/') ? repoTag.slice(0, tagSep) : repoTag;
  const tag =
    selection.tag ?? (repoTag && tagSep > repoTag.lastIndexOf('/') ? repoTag.slice(tagSep + 1) : undefined);
  const description = describeImage({
    type: 'docker-archive',
    name,
    ...(repository ? { repository } : {}),
    ...(tag ? { tag } : {}),
    tags: entry.RepoTags,
    ...(manifest ? { manifestDigest: manifest.digest } : {}),
    configDigest,
    platform: config.platform,
    layers: layers.map((l) => l.digest),
    diffIds: config.diffIds,
    ...(config.created ? { created: config.created } : {}),
  });
  const store = archiveBlobStore(archive);
  return {
    description,
    layers,
    openBlob: async (blob, signal) =>
      manifest ? store.open(blob, signal) : archive.stream(pathOf.get(blob.digest)!, signal),
    close: () => archive.close(),
  };
}

function parseSaveManifest(bytes: Uint8Array, where: string): SaveEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new RaygateError('SBOM_ARCHIVE_INVALID', 'input', `${where}: manifest.json is not JSON.`, {
      cause: error,
    });
  }
  if (!Array.isArray(json))
    throw new RaygateError('SBOM_ARCHIVE_INVALID', 'input', `${where}: manifest.json is not a list.`);
  return json.map((e: unknown) => {
    const o = (e ?? {}) as Record<string, unknown>;
    if (
      typeof o.Config !== 'string' ||
      !Array.isArray(o.Layers) ||
      !o.Layers.every((l) => typeof l === 'string')
    ) {
      throw new RaygateError(
        'SBOM_ARCHIVE_INVALID',
        'input',
        `${where}: a manifest.json entry has no Config or Layers.`,
      );
    }
    const tags = Array.isArray(o.RepoTags)
      ? o.RepoTags.filter((t): t is string => typeof t === 'string')
      : [];
    return { Config: o.Config, RepoTags: tags, Layers: o.Layers as string[] };
  });
}

function blobDigestOf(memberPath: string): string | undefined {
  const match = /(?:^|\/)blobs\/(sha256|sha512)\/([0-9a-f]+)$/.exec(memberPath);
  return match ? `${match[1]}:${match[2]}` : undefined;
}

function hexOfConfigName(memberPath: string): string | undefined {
  return /(?:^|\/)([0-9a-f]{64})\.json$/.exec(memberPath)?.[1];
}

/** In an OCI-in-tar save, the manifest whose config is this one gives the layers' real descriptors. */
async function findOciManifest(
  archive: OpenedArchive,
  configDigest: string,
  limits: ImageLimits,
): Promise<{ manifest: ImageManifest; digest: string } | undefined> {
  if (!archive.has('index.json')) return undefined;
  const store = archiveBlobStore(archive);
  const queue = [await archive.read('index.json', limits.maxManifestBytes)];
  const seen = new Set<string>();
  let budget = 64;
  while (queue.length > 0 && budget-- > 0) {
    const doc = parseManifestDocument(queue.shift()!, undefined, {
      maxLayers: limits.maxLayers,
      maxManifests: limits.maxLayers,
    });
    if (doc.kind !== 'index') continue;
    for (const d of doc.manifests) {
      if (seen.has(d.digest) || !archive.has(`blobs/${d.digest.replace(':', '/')}`)) continue;
      seen.add(d.digest);
      const bytes = await store.read(d.digest, limits.maxManifestBytes);
      let inner: ReturnType<typeof parseManifestDocument>;
      try {
        inner = parseManifestDocument(bytes, d.mediaType, {
          maxLayers: limits.maxLayers,
          maxManifests: limits.maxLayers,
        });
      } catch (error) {
        // An attachment saved beside the image (a cosign signature, an attestation) is no image: skip it.
        if (error instanceof RaygateError && error.code === 'OCI_UNSUPPORTED_MEDIA_TYPE') continue;
        throw error;
      }
      if (inner.kind === 'manifest' && inner.config.digest === configDigest)
        return { manifest: inner, digest: d.digest };
      if (inner.kind === 'index') queue.push(bytes);
    }
  }
  return undefined;
}
