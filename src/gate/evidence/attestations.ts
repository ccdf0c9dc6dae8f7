import type { Evidence } from '../../attest/evidence/evidence.ts';
import type { ParsedBundle } from '../../attest/bundle.ts';
import { parseBundle } from '../../attest/bundle.ts';
import type { ArtifactInput } from '../../attest/statement.ts';
import { emptyTrustedRoot, toTrust } from '../../attest/trusted-root.ts';
import { verifyBundle, type VerifiedBundle } from '../../attest/verify.ts';
import { toAttestationEvidence } from '../../policy/adapters/attestation.ts';
import type { AttestationEvidence } from '../../policy/evidence.ts';
import { hexDigest } from '../../shared/digest.ts';
import { isRaygateError, RaygateError } from '../../shared/errors.ts';
import { keysFor, type TrustSet } from './trust.ts';

/** Codes meaning "this instance did not issue it": the next instance is tried. */
const OTHER_INSTANCE = new Set([
  'BUNDLE_CERTIFICATE_INVALID',
  'BUNDLE_SCT_INVALID',
  'BUNDLE_TLOG_INSUFFICIENT',
  'BUNDLE_TIMESTAMP_INVALID',
]);

/**
 * Verifies a bundle over `artifact` with the gate's trust: key-signed bundles with the configured keys,
 * certificate-signed ones against each trusted instance with an identity policy that accepts any signer —
 * who signed is for the policy's signature and provenance rules to judge, from the evidence.
 */
export function verifyWithTrust(
  parsed: ParsedBundle,
  artifact: ArtifactInput,
  trust: TrustSet,
): { verified: VerifiedBundle } | { error: unknown } {
  const material = parsed.bundle.verificationMaterial.content;
  const errors: unknown[] = [];
  if (material.$case === 'publicKey') {
    const keys = keysFor(trust, material.publicKey.hint);
    if (keys.length === 0) {
      return {
        error: new RaygateError(
          'BUNDLE_KEY_UNKNOWN',
          'verification',
          'The bundle is signed with a key the gate is not configured to trust (gate.trust.keys).',
        ),
      };
    }
    for (const key of keys) {
      try {
        return {
          verified: verifyBundle(parsed, artifact, toTrust(emptyTrustedRoot(), key), {
            kind: 'key',
            publicKey: key,
          }),
        };
      } catch (error) {
        errors.push(error);
      }
    }
    return { error: errors[0] };
  }
  if (trust.instances.length === 0) {
    return {
      error: new RaygateError(
        'TRUST_UNAVAILABLE',
        'verification',
        'No Sigstore trusted root is available to verify certificate-signed evidence.',
      ),
    };
  }
  for (const instance of trust.instances) {
    try {
      return {
        verified: verifyBundle(
          parsed,
          artifact,
          instance.trust,
          { kind: 'identity', policy: {} },
          instance.thresholds,
        ),
      };
    } catch (error) {
      errors.push(error);
    }
  }
  return { error: errors.find((e) => !(isRaygateError(e) && OTHER_INSTANCE.has(e.code))) ?? errors[0] };
}

/** An uploaded bundle (bytes as submitted) about the artifact `sha256Hex`, as evidence. */
export function uploadedBundleEvidence(
  bytes: Uint8Array,
  sha256Hex: string,
  trust: TrustSet,
): AttestationEvidence {
  let parsed: ParsedBundle;
  try {
    parsed = parseBundle(bytes);
  } catch (error) {
    return failed('uploaded', `sha256:${hexDigest('sha256', bytes)}`, error);
  }
  return toAttestationEvidence({
    source: 'uploaded',
    bundle: parsed,
    result: verifyWithTrust(parsed, { kind: 'digest', algorithm: 'sha256', hex: sha256Hex }, trust),
  });
}

/** Attachments discovered in a registry (OCI referrers, cosign tags), as evidence. */
export function discoveredEvidence(evidence: Evidence, trust: TrustSet): AttestationEvidence {
  const source =
    evidence.origin.kind === 'oci'
      ? evidence.origin.via === 'cosign-tag'
        ? 'oci-tag'
        : 'oci-referrers'
      : evidence.origin.kind;
  const content = evidence.content;
  if (content.kind === 'malformed') {
    return failed(source, undefined, new RaygateError(content.code, 'input', content.message));
  }
  if (content.kind === 'unsigned') {
    return {
      kind: 'signature',
      source,
      predicateType: content.statement.predicateType,
      verification: {
        status: 'failed',
        code: 'EVIDENCE_UNSIGNED',
        message: 'An in-toto statement nobody signed: anyone could have written it.',
      },
    };
  }
  if (
    evidence.signedManifestDigest !== undefined &&
    evidence.signedManifestDigest !== `sha256:${evidence.subjectSha256}`
  ) {
    // A cosign simple-signing payload names the manifest it signs; one naming another image is not ours.
    return toAttestationEvidence({
      source,
      bundle: content.bundle,
      result: {
        error: new RaygateError(
          'BUNDLE_SUBJECT_MISMATCH',
          'verification',
          `The signed payload names ${evidence.signedManifestDigest}, not sha256:${evidence.subjectSha256}.`,
        ),
      },
    });
  }
  return toAttestationEvidence({
    source,
    bundle: content.bundle,
    result: verifyWithTrust(content.bundle, content.artifact, trust),
  });
}

function failed(source: string, digest: string | undefined, error: unknown): AttestationEvidence {
  return {
    kind: 'signature',
    source,
    ...(digest ? { bundleDigest: digest } : {}),
    verification: {
      status: 'failed',
      code: isRaygateError(error) ? error.code : 'BUNDLE_MALFORMED',
      message: error instanceof Error ? error.message : String(error),
    },
  };
}
