import { RaygateError } from '../shared/errors.ts';
import type { ErrorKind } from '../shared/errors.ts';

/**
 * Every way a bundle, a trusted root or an attestation can fail, as a stable code. Malformed input
 * (kind `input`, exit 2) is kept apart from input that parsed but did not verify (kind `verification`,
 * exit 1). The code of the @sigstore library that found the problem, when there is one, stays in
 * `details.sigstoreCode` so nothing is lost in translation.
 */
export const ATTEST_ERRORS = {
  BUNDLE_MALFORMED: 'input',
  BUNDLE_UNSUPPORTED: 'input',
  BUNDLE_STATEMENT_INVALID: 'input',
  ARTIFACT_DIGEST_UNSUPPORTED: 'input',
  BUNDLE_SIGNATURE_INVALID: 'verification',
  BUNDLE_DIGEST_MISMATCH: 'verification',
  BUNDLE_SUBJECT_MISMATCH: 'verification',
  BUNDLE_CERTIFICATE_INVALID: 'verification',
  BUNDLE_SCT_INVALID: 'verification',
  BUNDLE_KEY_MISMATCH: 'verification',
  BUNDLE_TLOG_INCLUSION_INVALID: 'verification',
  BUNDLE_TLOG_PROMISE_INVALID: 'verification',
  BUNDLE_CHECKPOINT_INVALID: 'verification',
  BUNDLE_TLOG_BODY_MISMATCH: 'verification',
  BUNDLE_TLOG_INSUFFICIENT: 'verification',
  BUNDLE_TIMESTAMP_INVALID: 'verification',
  BUNDLE_IDENTITY_MISMATCH: 'verification',
  TRUSTED_ROOT_MALFORMED: 'input',
  TRUST_EXPIRED: 'verification',
  TRUST_METADATA_INVALID: 'verification',
  TRUST_UNAVAILABLE: 'unavailable',
  PUBLIC_KEY_INVALID: 'input',
  SIGNING_KEY_INVALID: 'input',
  SIGNING_CONFIG_INVALID: 'input',
  SIGNING_IDENTITY_UNAVAILABLE: 'usage',
  SIGNING_FAILED: 'unavailable',
  PREDICATE_INVALID: 'input',
  VERIFY_POLICY_INVALID: 'input',
  PEP740_MALFORMED: 'input',
  PEP740_PUBLISHER_MISMATCH: 'verification',
  PEP740_SUBJECT_MISMATCH: 'verification',
  COSIGN_PAYLOAD_MISMATCH: 'verification',
  COSIGN_SIGNATURE_MALFORMED: 'input',
  EVIDENCE_UNSIGNED: 'verification',
  EVIDENCE_UNSUPPORTED: 'input',
  EVIDENCE_LIMIT: 'limit',
  DSSE_ENVELOPE_MALFORMED: 'input',
  DSSE_ENVELOPE_UNSUPPORTED: 'input',
  GITHUB_BUNDLE_URL_UNSUPPORTED: 'input',
} as const satisfies Record<string, ErrorKind>;

export type AttestErrorCode = keyof typeof ATTEST_ERRORS;

export function attestError(
  code: AttestErrorCode,
  message: string,
  details?: Record<string, unknown>,
  cause?: unknown,
): RaygateError<AttestErrorCode> {
  return new RaygateError(code, ATTEST_ERRORS[code], message, { details, cause });
}

/** The `code` an @sigstore error carries (VerificationError, PolicyError, TUFError, …), if any. */
export function sigstoreCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Translates a failure of `Verifier.verify` into the check that failed. */
export function fromVerificationError(error: unknown): RaygateError<AttestErrorCode> {
  const sigstoreCode = sigstoreCodeOf(error);
  const detail = messageOf(error);
  const causeMessage = (error as { cause?: unknown })?.cause;
  const details = {
    sigstoreCode: sigstoreCode ?? 'UNCODED',
    sigstoreMessage: detail,
    ...(causeMessage instanceof Error ? { sigstoreCause: causeMessage.message } : {}),
  };
  const fail = (code: AttestErrorCode, message: string) =>
    attestError(code, `${message} (${detail})`, details, error);
  switch (sigstoreCode) {
    case 'SIGNATURE_ERROR':
      return fail('BUNDLE_SIGNATURE_INVALID', 'The signature does not verify');
    case 'CERTIFICATE_ERROR':
      return /SCT/.test(detail)
        ? fail('BUNDLE_SCT_INVALID', 'The certificate transparency proof (SCT) does not verify')
        : fail(
            'BUNDLE_CERTIFICATE_INVALID',
            'The signing certificate does not chain to a trusted certificate authority at the signing time',
          );
    case 'PUBLIC_KEY_ERROR':
      return fail('BUNDLE_KEY_MISMATCH', 'The public key is not trusted for this bundle');
    case 'TLOG_INCLUSION_PROOF_ERROR':
      // The checkpoint and the Merkle proof share one library code; the message says which failed.
      return /checkpoint/i.test(detail)
        ? fail('BUNDLE_CHECKPOINT_INVALID', 'The transparency log checkpoint does not verify')
        : fail('BUNDLE_TLOG_INCLUSION_INVALID', 'The transparency log inclusion proof does not verify');
    case 'TLOG_INCLUSION_PROMISE_ERROR':
      return fail(
        'BUNDLE_TLOG_PROMISE_INVALID',
        'The transparency log inclusion promise (signed entry timestamp over the body, integrated time and index) does not verify',
      );
    case 'TLOG_MISSING_INCLUSION_ERROR':
      return fail(
        'BUNDLE_TLOG_INCLUSION_INVALID',
        'A transparency log entry has neither an inclusion proof nor an inclusion promise',
      );
    case 'TLOG_BODY_ERROR':
      return fail(
        'BUNDLE_TLOG_BODY_MISMATCH',
        'The transparency log entry does not record this signature and content',
      );
    case 'TLOG_ERROR':
      return fail('BUNDLE_TLOG_INSUFFICIENT', 'Not enough distinct transparency log entries');
    case 'TIMESTAMP_ERROR':
      return fail('BUNDLE_TIMESTAMP_INVALID', 'The signing time cannot be established');
    case 'UNTRUSTED_SIGNER_ERROR':
      return fail('BUNDLE_IDENTITY_MISMATCH', 'The signer is not the expected identity');
    case 'NOT_IMPLEMENTED_ERROR':
      return fail('BUNDLE_UNSUPPORTED', 'The bundle uses a feature raygate cannot verify');
    default:
      // Uncoded errors come from parsing attacker-supplied structures (ASN.1, times, protobuf).
      return fail('BUNDLE_MALFORMED', 'A structure inside the bundle cannot be read');
  }
}
