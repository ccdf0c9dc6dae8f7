/** Bounds on what an image's attachments may make raygate read. Real images have a handful. */
export const ATTACHMENT_LIMITS = {
  maxReferrers: 256,
  maxReferrerPages: 16,
  maxManifestBytes: 4 * 1024 * 1024,
  maxEvidenceBlobBytes: 8 * 1024 * 1024,
  maxLayersPerAttachment: 32,
  maxIndexDepth: 4,
} as const;
