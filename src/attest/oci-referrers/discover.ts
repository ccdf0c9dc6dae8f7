import type { Descriptor } from '../../oci/descriptor.ts';
import { MEDIA_TYPES } from '../../oci/media-types.ts';
import { cosignTag, parseArtifactManifest, parseReferrersIndex, referrersTag } from '../../oci/referrers.ts';
import { isRaygateError } from '../../shared/errors.ts';
import type { Evidence, EvidenceOrigin } from '../evidence/evidence.ts';
import type { DiscoveryProblem } from '../evidence/judge.ts';
import { attachmentEvidence, isEvidenceLayer } from './attachment.ts';
import { ATTACHMENT_LIMITS } from './limits.ts';

/**
 * Where attachments are read from: a registry repository or an OCI layout. Both expose the same few
 * operations, so discovery is written once over them.
 */
export interface AttachmentStore {
  /** `registry/repo` or the layout path, for messages and evidence origins. */
  where: string;
  /** A manifest by digest, bounded and digest-checked. */
  manifest(digest: string): Promise<Uint8Array>;
  /** A manifest by tag; undefined when the tag does not exist. */
  manifestByTag(tag: string): Promise<{ bytes: Uint8Array; digest: string } | undefined>;
  /** A blob by digest, bounded and digest-checked. */
  blob(digest: string, maxBytes: number): Promise<Uint8Array>;
  /** The referrers API's answer (pages of an index), or undefined when the store has no such API. */
  referrers?(digest: string): Promise<Uint8Array[] | undefined>;
  /** An OCI layout rather than a registry (evidence origins say so). */
  layout?: boolean;
}

export interface Discovery {
  evidence: Evidence[];
  problems: DiscoveryProblem[];
  /** How referrers were listed: the API, the fallback tag, or neither. */
  referrersVia: 'referrers-api' | 'referrers-tag' | 'none';
}

function problemOf(error: unknown): DiscoveryProblem {
  if (isRaygateError(error)) return { code: error.code, message: error.message };
  return { code: 'OCI_REGISTRY_ERROR', message: error instanceof Error ? error.message : String(error) };
}

async function evidenceOf(
  store: AttachmentStore,
  descriptor: Pick<Descriptor, 'digest'>,
  bytes: Uint8Array | undefined,
  subjectSha256: string,
  origin: EvidenceOrigin,
): Promise<Evidence[]> {
  const manifestBytes = bytes ?? (await store.manifest(descriptor.digest));
  const manifest = parseArtifactManifest(manifestBytes, ATTACHMENT_LIMITS.maxLayersPerAttachment);
  const blobs = new Map<string, Uint8Array>();
  for (const layer of manifest.layers) {
    if (!isEvidenceLayer(layer.mediaType)) continue;
    try {
      blobs.set(layer.digest, await store.blob(layer.digest, ATTACHMENT_LIMITS.maxEvidenceBlobBytes));
    } catch (error) {
      if (!isRaygateError(error)) throw error;
      // attachmentEvidence reports the missing blob as malformed evidence.
    }
  }
  return attachmentEvidence(
    manifest,
    blobs,
    subjectSha256,
    origin,
    `${origin.kind === 'oci' ? origin.location : store.where}`,
  );
}

/**
 * Finds everything attached to the manifest `subject` in `store`: OCI 1.1 referrers (through the API
 * when the store has it, else the `sha256-<hex>` fallback index), then cosign's `.sig` and `.att` tags.
 * One unreadable attachment is a problem in the report, never the end of discovery.
 */
export async function discoverAttachments(store: AttachmentStore, subjectDigest: string): Promise<Discovery> {
  const subjectSha256 = subjectDigest.replace(/^sha256:/, '');
  const evidence: Evidence[] = [];
  const problems: DiscoveryProblem[] = [];
  let referrersVia: Discovery['referrersVia'] = 'none';

  let descriptors: Descriptor[] = [];
  try {
    const pages = store.referrers ? await store.referrers(subjectDigest) : undefined;
    if (pages) {
      referrersVia = 'referrers-api';
      descriptors = parseReferrersIndex(pages, ATTACHMENT_LIMITS.maxReferrers);
    } else {
      const fallback = await store.manifestByTag(referrersTag(subjectDigest));
      if (fallback) {
        referrersVia = 'referrers-tag';
        descriptors = parseReferrersIndex([fallback.bytes], ATTACHMENT_LIMITS.maxReferrers);
      }
    }
  } catch (error) {
    problems.push(problemOf(error));
  }
  const seen = new Set<string>();
  for (const descriptor of descriptors) {
    if (seen.has(descriptor.digest)) continue;
    seen.add(descriptor.digest);
    // Referrers are image manifests; an index listed as a referrer is not followed (no loops, no fan-out).
    if (descriptor.mediaType !== MEDIA_TYPES.ociManifest) continue;
    const origin: EvidenceOrigin = {
      kind: 'oci',
      via: store.layout ? 'oci-layout' : referrersVia === 'referrers-api' ? 'referrers-api' : 'referrers-tag',
      location: `${store.where}@${descriptor.digest}`,
    };
    try {
      evidence.push(...(await evidenceOf(store, descriptor, undefined, subjectSha256, origin)));
    } catch (error) {
      problems.push(problemOf(error));
    }
  }
  for (const suffix of ['sig', 'att'] as const) {
    const tag = cosignTag(subjectDigest, suffix);
    try {
      const found = await store.manifestByTag(tag);
      if (!found || seen.has(found.digest)) continue;
      seen.add(found.digest);
      const origin: EvidenceOrigin = {
        kind: 'oci',
        via: store.layout ? 'oci-layout' : 'cosign-tag',
        location: `${store.where}:${tag}`,
      };
      evidence.push(
        ...(await evidenceOf(store, { digest: found.digest }, found.bytes, subjectSha256, origin)),
      );
    } catch (error) {
      problems.push(problemOf(error));
    }
  }
  return { evidence, problems, referrersVia };
}
