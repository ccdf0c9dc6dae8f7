import { createHash } from 'node:crypto';
import type { Descriptor } from '../../oci/descriptor.ts';
import { MEDIA_TYPES } from '../../oci/media-types.ts';
import { addToReferrersIndex, buildArtifactManifest, EMPTY_BLOB, referrersTag } from '../../oci/referrers.ts';
import type { RegistryClient } from '../../oci/registry-client.ts';
import { isRaygateError } from '../../shared/errors.ts';
import { ATTACHMENT_LIMITS } from './limits.ts';
import { ATTACHMENT_TYPES, BUNDLE_ANNOTATIONS } from './media-types.ts';

export interface Attached {
  /** Digest of the referrer manifest raygate pushed. */
  referrer: string;
  /** Who lists it among the image's referrers: the registry itself (OCI 1.1), or the fallback tag raygate updated. */
  indexedBy: 'registry' | 'referrers-tag';
}

/** The manifest (digest, media type, size) a reference resolves to: what signatures are about. */
export async function resolveSubject(client: RegistryClient, reference: string): Promise<Descriptor> {
  const fetched = await client.getManifest(reference, ATTACHMENT_LIMITS.maxManifestBytes);
  const mediaType =
    fetched.mediaType ??
    (JSON.parse(Buffer.from(fetched.bytes).toString('utf8')) as { mediaType?: string }).mediaType ??
    MEDIA_TYPES.ociManifest;
  return { mediaType, digest: fetched.digest, size: fetched.bytes.byteLength };
}

/**
 * Stores a Sigstore bundle as an OCI 1.1 referrer of `subject`: the bundle as the only layer of an
 * artifact manifest (artifactType = the bundle media type, an empty config, `subject` = the image), the
 * shape cosign's bundle format and GitHub use. A registry that indexes referrers says so with an
 * `OCI-Subject` header; without one (CNCF distribution 2.8, many others) raygate maintains the
 * `sha256-<hex>` referrers tag index itself, as the distribution spec asks of clients.
 */
export async function attachBundle(
  client: RegistryClient,
  subject: Descriptor,
  bundleJson: Uint8Array,
  options: { content: 'dsse-envelope' | 'message-signature'; predicateType?: string },
): Promise<Attached> {
  const layerDigest = await client.pushBlob(bundleJson);
  await client.pushBlob(EMPTY_BLOB);
  const annotations: Record<string, string> = {
    [BUNDLE_ANNOTATIONS.content]: options.content,
    ...(options.predicateType ? { [BUNDLE_ANNOTATIONS.predicateType]: options.predicateType } : {}),
    'org.opencontainers.image.created': new Date().toISOString(),
  };
  const manifest = buildArtifactManifest({
    artifactType: ATTACHMENT_TYPES.sigstoreBundle,
    layer: { mediaType: ATTACHMENT_TYPES.sigstoreBundle, digest: layerDigest, size: bundleJson.byteLength },
    subject,
    annotations,
  });
  const pushed = await client.putManifest(
    `sha256:${createHash('sha256').update(manifest).digest('hex')}`,
    manifest,
    MEDIA_TYPES.ociManifest,
  );
  if (pushed.subject === subject.digest) return { referrer: pushed.digest, indexedBy: 'registry' };

  const tag = referrersTag(subject.digest);
  let existing: Uint8Array | undefined;
  try {
    existing = (await client.getManifest(tag, ATTACHMENT_LIMITS.maxManifestBytes)).bytes;
  } catch (error) {
    if (!(isRaygateError(error) && error.code === 'OCI_MANIFEST_UNKNOWN')) throw error;
  }
  const index = addToReferrersIndex(
    existing,
    {
      mediaType: MEDIA_TYPES.ociManifest,
      digest: pushed.digest,
      size: manifest.byteLength,
      artifactType: ATTACHMENT_TYPES.sigstoreBundle,
      annotations,
    },
    ATTACHMENT_LIMITS.maxReferrers,
  );
  await client.putManifest(tag, index, MEDIA_TYPES.ociIndex);
  return { referrer: pushed.digest, indexedBy: 'referrers-tag' };
}
