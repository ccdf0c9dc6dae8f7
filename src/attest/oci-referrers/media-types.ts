/** Media types of what cosign and Sigstore attach to images. */
export const ATTACHMENT_TYPES = {
  /** cosign's signature payload (the "simple signing" JSON naming the image digest). */
  simpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  /** cosign's attestation layer: a DSSE envelope holding an in-toto statement. */
  dsseEnvelope: 'application/vnd.dsse.envelope.v1+json',
  /** An unsigned in-toto statement (buildkit's attestation manifests). */
  inToto: 'application/vnd.in-toto+json',
  /** A Sigstore bundle stored as an OCI artifact (cosign --new-bundle-format, GitHub, raygate). */
  sigstoreBundle: 'application/vnd.dev.sigstore.bundle.v0.3+json',
} as const;

export const COSIGN_ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  rfc3161: 'dev.sigstore.cosign/rfc3161timestamp',
} as const;

/** The predicate type cosign (v3, Sigstore bundle format) and raygate use for a plain image signature. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

/** Annotations on a Sigstore bundle artifact manifest, as cosign writes them. */
export const BUNDLE_ANNOTATIONS = {
  content: 'dev.sigstore.bundle.content',
  predicateType: 'dev.sigstore.bundle.predicateType',
} as const;

export function isSigstoreBundleType(mediaType: string | undefined): boolean {
  return (
    mediaType !== undefined &&
    /^application\/vnd\.dev\.sigstore\.bundle(?:\.v[\d.]+\+json|\+json;version=[\d.]+)$/.test(mediaType)
  );
}
