import type { ParsedBundle } from '../bundle.ts';
import type { TrustedPublisher } from '../pep740/publisher.ts';
import type { ArtifactInput, Statement } from '../statement.ts';

/**
 * One piece of evidence about one artifact, as an adapter found it, before anything judges it. Every
 * source (PyPI's Integrity API, a local `.publish.attestation`, OCI referrers and cosign tags, an OCI
 * layout, GitHub's attestations API, a bundle file) is turned into this one shape, so a single verifier
 * and a single judge decide what all of them prove.
 */
export type EvidenceOrigin =
  | { kind: 'pypi-integrity'; url: string }
  | { kind: 'file'; path: string }
  | {
      kind: 'oci';
      /** How it was found: the referrers API, the referrers tag schema, cosign's tags, or an OCI layout. */
      via: 'referrers-api' | 'referrers-tag' | 'cosign-tag' | 'oci-layout';
      /** Where it lives: `registry/repo@sha256:…` of the referrer manifest, or a layout path. */
      location: string;
    }
  | { kind: 'github-attestations'; url: string; repositoryId?: number };

export type EvidenceFormat =
  | 'sigstore-bundle'
  | 'dsse-envelope'
  | 'pep740'
  | 'cosign-simple-signing'
  | 'cosign-dsse'
  | 'in-toto-unsigned';

export type EvidenceContent =
  /** A Sigstore bundle to verify over `artifact` (the subject's digest, or the signed payload's bytes). */
  | { kind: 'bundle'; bundle: ParsedBundle; artifact: ArtifactInput }
  /** An in-toto statement nobody signed (buildkit's attestation manifests). */
  | { kind: 'unsigned'; statement: Statement }
  /** Found but unreadable: kept so the report says so. */
  | { kind: 'malformed'; code: string; message: string };

export interface Evidence {
  /** Unique within one report. */
  id: string;
  origin: EvidenceOrigin;
  format: EvidenceFormat;
  content: EvidenceContent;
  /** The sha256 (hex) of the artifact this evidence must be about. */
  subjectSha256: string;
  /** cosign simple signing: the manifest digest the signed payload names, checked against the subject. */
  signedManifestDigest?: string;
  /** PEP 740: the Trusted Publisher PyPI recorded; the certificate must be theirs. */
  publisher?: TrustedPublisher;
  /** PEP 740: the distribution file name the statement's subject must carry. */
  distributionFilename?: string;
  /** A private Sigstore instance's bundle (GitHub's): no transparency log, a signed timestamp instead. */
  profile?: 'public' | 'private';
}
