import { createHash } from 'node:crypto';
import type { Descriptor } from '../../oci/descriptor.ts';
import { MEDIA_TYPES } from '../../oci/media-types.ts';
import {
  addToReferrersIndex,
  buildArtifactManifest,
  EMPTY_BLOB,
  parseReferrersIndex,
  referrersTag,
} from '../../oci/referrers.ts';
import type { RegistryClient } from '../../oci/registry-client.ts';
import { isRaygateError, RaygateError } from '../../shared/errors.ts';
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

  await addToReferrersTag(client, subject.digest, {
    mediaType: MEDIA_TYPES.ociManifest,
    digest: pushed.digest,
    size: manifest.byteLength,
    artifactType: ATTACHMENT_TYPES.sigstoreBundle,
    annotations,
  });
  return { referrer: pushed.digest, indexedBy: 'referrers-tag' };
}

export interface TagUpdateOptions {
  /** Rounds of merge-write-check before giving up. */
  attempts?: number;
  /** How long to wait after a write before checking it survived (ms; jittered up to twice that). */
  settleMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

async function readIndex(client: RegistryClient, tag: string): Promise<Uint8Array | undefined> {
  try {
    return (await client.getManifest(tag, ATTACHMENT_LIMITS.maxManifestBytes)).bytes;
  } catch (error) {
    if (isRaygateError(error) && error.code === 'OCI_MANIFEST_UNKNOWN') return undefined;
    throw error;
  }
}

function lists(index: Uint8Array | undefined, digest: string): boolean {
  return index
    ? parseReferrersIndex([index], ATTACHMENT_LIMITS.maxReferrers).some((d) => d.digest === digest)
    : false;
}

/**
 * Adds a referrer to the `sha256-<hex>` referrers tag index. A registry without the referrers API has
 * no conditional PUT either, so two writers that read the index at once would each write back their own
 * version and one entry would be lost. Each writer therefore merges with what is there (never removing
 * an entry), writes, waits a moment for a concurrent writer's read-modify-write to land, and reads the
 * index back: when its entry is gone it merges again, a bounded number of times. The last writer always
 * keeps every entry it read, and every earlier writer notices its loss and merges it back.
 */
export async function addToReferrersTag(
  client: RegistryClient,
  subjectDigest: string,
  referrer: Descriptor,
  options: TagUpdateOptions = {},
): Promise<void> {
  const tag = referrersTag(subjectDigest);
  const attempts = options.attempts ?? 6;
  const settle = options.settleMs ?? 250;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await readIndex(client, tag);
    if (!lists(current, referrer.digest)) {
      await client.putManifest(
        tag,
        addToReferrersIndex(current, referrer, ATTACHMENT_LIMITS.maxReferrers),
        MEDIA_TYPES.ociIndex,
      );
    }
    await sleep(Math.round(settle * (1 + Math.random())));
    if (lists(await readIndex(client, tag), referrer.digest)) return;
  }
  throw new RaygateError(
    'OCI_REFERRERS_TAG_CONFLICT',
    'unavailable',
    `The referrers tag ${tag} kept losing the entry for ${referrer.digest} after ${attempts} attempts: another writer keeps replacing it. The attachment itself was pushed; run the command again.`,
  );
}
