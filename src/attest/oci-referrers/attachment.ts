import type { ArtifactManifest } from '../../oci/referrers.ts';
import { parseBundle } from '../bundle.ts';
import type { Evidence, EvidenceOrigin } from '../evidence/evidence.ts';
import { cosignLayerEvidence, unsignedStatementEvidence } from './cosign-layer.ts';
import { ATTACHMENT_TYPES, isSigstoreBundleType } from './media-types.ts';

/** The layers of an attachment manifest raygate reads as evidence; anything else is not a signature. */
export function isEvidenceLayer(mediaType: string): boolean {
  return (
    isSigstoreBundleType(mediaType) ||
    mediaType === ATTACHMENT_TYPES.simpleSigning ||
    mediaType === ATTACHMENT_TYPES.dsseEnvelope ||
    mediaType === ATTACHMENT_TYPES.inToto
  );
}

/**
 * The evidence one attachment manifest carries about the image `subjectSha256`. `blobs` holds the
 * evidence layers' content (fetched and digest-checked by the caller). A referrer whose `subject` names
 * another image is refused as a whole: it was listed for this image, but is about something else.
 */
export function attachmentEvidence(
  manifest: ArtifactManifest,
  blobs: ReadonlyMap<string, Uint8Array>,
  subjectSha256: string,
  origin: EvidenceOrigin,
  idPrefix: string,
): Evidence[] {
  if (manifest.subject && manifest.subject.digest !== `sha256:${subjectSha256}`) {
    return [
      {
        id: idPrefix,
        origin,
        format: 'sigstore-bundle',
        subjectSha256,
        content: {
          kind: 'malformed',
          code: 'BUNDLE_SUBJECT_MISMATCH',
          message: `The referrer is listed for sha256:${subjectSha256} but its subject is ${manifest.subject.digest}.`,
        },
      },
    ];
  }
  const out: Evidence[] = [];
  manifest.layers.forEach((layer, index) => {
    if (!isEvidenceLayer(layer.mediaType)) return;
    const id = manifest.layers.length > 1 ? `${idPrefix}/${index}` : idPrefix;
    const blob = blobs.get(layer.digest);
    if (!blob) {
      out.push({
        id,
        origin,
        format: 'sigstore-bundle',
        subjectSha256,
        content: {
          kind: 'malformed',
          code: 'OCI_BLOB_UNKNOWN',
          message: `Layer ${layer.digest} could not be read.`,
        },
      });
      return;
    }
    if (isSigstoreBundleType(layer.mediaType)) {
      try {
        out.push({
          id,
          origin,
          format: 'sigstore-bundle',
          subjectSha256,
          content: {
            kind: 'bundle',
            bundle: parseBundle(blob),
            artifact: { kind: 'digest', algorithm: 'sha256', hex: subjectSha256 },
          },
        });
      } catch (error) {
        const e = error as { code?: string; message?: string };
        out.push({
          id,
          origin,
          format: 'sigstore-bundle',
          subjectSha256,
          content: {
            kind: 'malformed',
            code: e.code ?? 'BUNDLE_MALFORMED',
            message: e.message ?? String(error),
          },
        });
      }
    } else if (layer.mediaType === ATTACHMENT_TYPES.inToto) {
      out.push(unsignedStatementEvidence(blob, subjectSha256, origin, id));
    } else {
      out.push(cosignLayerEvidence(layer, blob, subjectSha256, origin, id));
    }
  });
  return out;
}
