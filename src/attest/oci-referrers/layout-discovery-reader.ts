import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Descriptor } from '../../oci/descriptor.ts';
import { INDEX_TYPES, MEDIA_TYPES } from '../../oci/media-types.ts';
import { parseReferrersIndex } from '../../oci/referrers.ts';
import { archiveBlobStore, folderBlobStore, openArchive } from '../../sbom/sources/blob-stores.ts';
import type { BlobStore } from '../../sbom/sources/oci-layout.ts';
import { RaygateError, isRaygateError } from '../../shared/errors.ts';
import type { Evidence } from '../evidence/evidence.ts';
import { unsignedStatementEvidence } from './cosign-layer.ts';
import { discoverAttachments } from './discover.ts';
import type { AttachmentStore, Discovery } from './discover.ts';
import { ATTACHMENT_LIMITS } from './limits.ts';
import { ATTACHMENT_TYPES } from './media-types.ts';

const REF_NAME = 'org.opencontainers.image.ref.name';
/** `cosign save` marks what each index.json entry is with this annotation. */
const COSIGN_KIND = 'kind';
const COSIGN_ATTACHMENT_KINDS = new Set(['dev.cosignproject.cosign/sigs', 'dev.cosignproject.cosign/atts']);
const BUILDKIT_TYPE = 'vnd.docker.reference.type';
const BUILDKIT_DIGEST = 'vnd.docker.reference.digest';

export interface LayoutDiscovery extends Discovery {
  subject: Descriptor;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Attachments inside an OCI image layout (a folder, or an archive of one): manifests in index.json whose
 * `subject` is the image (OCI 1.1, as oras and `cosign save` write them), the signature and attestation
 * manifests `cosign save` lists with a `kind` annotation, and buildkit's unsigned attestation manifests
 * inside the image index. The image is the entry tagged `tag`, or the only entry that is not an attachment.
 */
export async function discoverLayoutAttachments(
  target: { kind: 'oci-dir' | 'oci-archive'; path: string },
  tag: string | undefined,
  /** Select the image by digest instead: the entry that is it, or the index entry that lists it. */
  digest?: string,
): Promise<LayoutDiscovery> {
  let store: BlobStore;
  let indexBytes: Uint8Array;
  if (target.kind === 'oci-dir') {
    store = folderBlobStore(target.path);
    try {
      indexBytes = await readFile(path.join(target.path, 'index.json'));
    } catch (error) {
      throw new RaygateError('OCI_LAYOUT_INVALID', 'input', `${target.path} has no index.json.`, {
        cause: error,
      });
    }
  } else {
    const archive = await openArchive(target.path);
    store = archiveBlobStore(archive);
    try {
      indexBytes = await archive.read('index.json', ATTACHMENT_LIMITS.maxManifestBytes);
    } catch (error) {
      await archive.close();
      throw new RaygateError('OCI_LAYOUT_INVALID', 'input', `${target.path} has no index.json.`, {
        cause: error,
      });
    }
  }
  try {
    return await discoverInLayout(store, indexBytes, target.path, tag, digest);
  } finally {
    await store.close();
  }
}

async function discoverInLayout(
  store: BlobStore,
  indexBytes: Uint8Array,
  where: string,
  tag: string | undefined,
  digest?: string,
): Promise<LayoutDiscovery> {
  if (indexBytes.byteLength > ATTACHMENT_LIMITS.maxManifestBytes) {
    throw new RaygateError('OCI_MANIFEST_TOO_LARGE', 'limit', `${where}/index.json is too large.`);
  }
  const entries = parseReferrersIndex([indexBytes], ATTACHMENT_LIMITS.maxReferrers * 4);
  const read = (digest: string) => store.read(digest, ATTACHMENT_LIMITS.maxManifestBytes);
  const subjects = new Map<string, string>();
  for (const entry of entries) {
    if (entry.mediaType !== MEDIA_TYPES.ociManifest) continue;
    try {
      const json = JSON.parse(Buffer.from(await read(entry.digest)).toString('utf8')) as unknown;
      if (isRecord(json) && isRecord(json.subject) && typeof json.subject.digest === 'string')
        subjects.set(entry.digest, json.subject.digest);
    } catch (error) {
      if (!isRaygateError(error) && !(error instanceof SyntaxError)) throw error;
    }
  }
  const isAttachment = (d: Descriptor) =>
    subjects.has(d.digest) || COSIGN_ATTACHMENT_KINDS.has(d.annotations?.[COSIGN_KIND] ?? '');
  const listsDigest = async (d: Descriptor): Promise<boolean> => {
    if (d.digest === digest) return true;
    if (!INDEX_TYPES.includes(d.mediaType)) return false;
    try {
      return parseReferrersIndex([await read(d.digest)], ATTACHMENT_LIMITS.maxReferrers).some(
        (child) => child.digest === digest,
      );
    } catch (error) {
      if (isRaygateError(error)) return false;
      throw error;
    }
  };
  const candidates = entries.filter((d) => !isAttachment(d));
  const images: Descriptor[] = [];
  for (const d of candidates) {
    if (digest !== undefined ? await listsDigest(d) : tag === undefined || d.annotations?.[REF_NAME] === tag)
      images.push(d);
  }
  if (images.length === 0) {
    throw new RaygateError(
      'OCI_MANIFEST_UNKNOWN',
      'not-found',
      `${where} has no image${tag ? ` tagged ${tag}` : ''}.`,
    );
  }
  if (images.length > 1) {
    throw new RaygateError(
      'OCI_LAYOUT_AMBIGUOUS',
      'usage',
      `${where} holds ${images.length} images; name one with :TAG.`,
    );
  }
  const subject = images[0]!;
  const cosignEntries = entries.filter((d) =>
    COSIGN_ATTACHMENT_KINDS.has(d.annotations?.[COSIGN_KIND] ?? ''),
  );
  const referrers = entries.filter((d) => subjects.get(d.digest) === subject.digest);
  const attachmentStore: AttachmentStore = {
    where,
    layout: true,
    manifest: read,
    manifestByTag: async () => undefined,
    blob: (digest, maxBytes) => store.read(digest, maxBytes),
    // A layout's own "referrers API": index.json entries about this image, and cosign save's attachments.
    referrers: async () => [
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA_TYPES.ociIndex,
          manifests: [...referrers, ...cosignEntries],
        }),
      ),
    ],
  };
  const discovery = await discoverAttachments(attachmentStore, subject.digest);
  discovery.evidence.push(...(await buildkitAttestations(store, subject, where, discovery.problems)));
  return { ...discovery, subject };
}

/** buildkit's attestation manifests inside an image index: unsigned statements about one platform image. */
async function buildkitAttestations(
  store: BlobStore,
  subject: Descriptor,
  where: string,
  problems: Discovery['problems'],
): Promise<Evidence[]> {
  if (!INDEX_TYPES.includes(subject.mediaType)) return [];
  const out: Evidence[] = [];
  try {
    const index = parseReferrersIndex(
      [await store.read(subject.digest, ATTACHMENT_LIMITS.maxManifestBytes)],
      ATTACHMENT_LIMITS.maxReferrers,
    );
    for (const child of index) {
      if (child.annotations?.[BUILDKIT_TYPE] !== 'attestation-manifest') continue;
      const about = child.annotations[BUILDKIT_DIGEST];
      if (!about?.startsWith('sha256:')) continue;
      const manifest = JSON.parse(
        Buffer.from(await store.read(child.digest, ATTACHMENT_LIMITS.maxManifestBytes)).toString('utf8'),
      ) as { layers?: Descriptor[] };
      for (const layer of (manifest.layers ?? []).slice(0, ATTACHMENT_LIMITS.maxLayersPerAttachment)) {
        if (layer.mediaType !== ATTACHMENT_TYPES.inToto) continue;
        const blob = await store.read(layer.digest, ATTACHMENT_LIMITS.maxEvidenceBlobBytes);
        out.push(
          unsignedStatementEvidence(
            blob,
            about.slice(7),
            { kind: 'oci', via: 'oci-layout', location: `${where}@${child.digest}` },
            `${where}@${child.digest}/${layer.digest.slice(7, 19)}`,
          ),
        );
      }
    }
  } catch (error) {
    problems.push({
      code: isRaygateError(error) ? error.code : 'OCI_MANIFEST_INVALID',
      message: error instanceof Error ? error.message : String(error),
    });
  }
  return out;
}
