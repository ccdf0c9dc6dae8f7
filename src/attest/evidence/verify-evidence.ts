import type { KeyObject } from 'node:crypto';
import { isRaygateError } from '../../shared/errors.ts';
import { withDerSignature } from '../dsse-envelope.ts';
import { attestError, messageOf } from '../errors.ts';
import type { SignerCertificate } from '../fulcio-certificate.ts';
import { checkIdentity } from '../identity-policy.ts';
import type { IdentityPolicy } from '../identity-policy.ts';
import { normalizeDistributionFilename } from '../pep740/dist-filename.ts';
import { checkPublisher } from '../pep740/publisher.ts';
import { deriveBuildLevel } from '../slsa/build-level.ts';
import { kindOfPredicate, PYPI_PUBLISH_V1 } from '../slsa/predicates.ts';
import { readProvenance, SLSA_PROVENANCE_V1 } from '../slsa/provenance.ts';
import { readSbomPredicate } from '../slsa/sbom-predicate.ts';
import { readVsa } from '../slsa/vsa.ts';
import type { VsaFacts } from '../slsa/vsa.ts';
import type { SlsaBuildLevel } from '../slsa/build-level.ts';
import { findSubject, IN_TOTO_PAYLOAD_TYPE, parseStatement } from '../statement.ts';
import type { Statement } from '../statement.ts';
import { emptyTrustedRoot, toTrust } from '../trusted-root.ts';
import { verifyBundle } from '../verify.ts';
import type { VerifiedBundle } from '../verify.ts';
import { checkProvenance, checkVsa, EMPTY_RULES } from '../verify-policy.ts';
import type { VerifyRules } from '../verify-policy.ts';
import type { Evidence } from './evidence.ts';
import type { EvidenceResult, SignerSummary } from './evidence-result.ts';
import type { TrustInstance } from './trust.ts';

/** Everything verification needs, given: nothing is read or fetched here. */
export interface VerifyContext {
  instances: readonly TrustInstance[];
  /** Public keys a key-signed bundle may be signed with (`--key`). */
  keys: readonly KeyObject[];
  /** Who may have signed: any one must match. Empty when the caller named nobody. */
  identities: readonly IdentityPolicy[];
  rules: VerifyRules;
}

/** Library codes that mean "this instance did not issue it", so the next instance is tried. */
const OTHER_INSTANCE = new Set([
  'BUNDLE_CERTIFICATE_INVALID',
  'BUNDLE_SCT_INVALID',
  'BUNDLE_TLOG_INSUFFICIENT',
  'BUNDLE_TIMESTAMP_INVALID',
]);

function codeAndMessage(error: unknown): { code: string; message: string } {
  if (isRaygateError(error)) return { code: error.code, message: error.message };
  return { code: 'EVIDENCE_UNSUPPORTED', message: messageOf(error) };
}

function summarizeSigner(verified: VerifiedBundle, instance: string): SignerSummary {
  if (verified.signer.kind === 'public-key') {
    return { ...(verified.signer.hint ? { keyHint: verified.signer.hint } : {}), instance };
  }
  const ext = verified.signer.extensions;
  const summary: SignerSummary = { instance };
  const set = (key: keyof SignerSummary, value: string | undefined) => {
    if (value) summary[key] = value;
  };
  set('identity', verified.signer.identities[0]);
  set('issuer', verified.signer.issuer);
  set(
    'sourceRepository',
    ext.sourceRepositoryURI ??
      (ext.githubWorkflowRepository ? `https://github.com/${ext.githubWorkflowRepository}` : undefined),
  );
  set('sourceRef', ext.sourceRepositoryRef ?? ext.githubWorkflowRef);
  set('buildConfig', ext.buildConfigURI);
  set('buildSigner', ext.buildSignerURI);
  set('runnerEnvironment', ext.runnerEnvironment);
  return summary;
}

function signerCertificate(verified: VerifiedBundle): SignerCertificate | undefined {
  if (verified.signer.kind !== 'certificate') return undefined;
  const { kind: _kind, identity: _identity, ...certificate } = verified.signer;
  return certificate;
}

/** Verifies the bundle against each trust instance until one accepts it. */
function verifyCryptographically(
  evidence: Evidence & { content: { kind: 'bundle' } },
  context: VerifyContext,
): { verified: VerifiedBundle; instance: string } {
  const { bundle, artifact } = evidence.content;
  const keyed = bundle.bundle.verificationMaterial.content.$case === 'publicKey';
  if (keyed) {
    if (context.keys.length === 0) {
      throw attestError(
        'BUNDLE_KEY_MISMATCH',
        'This evidence is signed with a key, not a certificate: pass the public key with --key.',
      );
    }
    let first: unknown;
    for (const key of context.keys) {
      const roots = context.instances.length > 0 ? context.instances : [];
      // A key-signed bundle may still carry log entries or timestamps; they are checked against the
      // instances' logs when there are any, else the key alone is the trust.
      const candidates =
        bundle.bundle.verificationMaterial.tlogEntries.length > 0 && roots.length > 0
          ? roots.map((instance) => ({ name: `${instance.name} + key`, trust: toTrust(instance.root, key) }))
          : [{ name: 'key', trust: toTrust(emptyTrustedRoot(), key) }];
      for (const candidate of candidates) {
        try {
          return {
            verified: verifyBundle(
              withDerSignature(bundle, key.asymmetricKeyDetails?.namedCurve),
              artifact,
              candidate.trust,
              { kind: 'key', publicKey: key },
            ),
            instance: candidate.name,
          };
        } catch (error) {
          first ??= error;
        }
      }
    }
    throw first;
  }
  if (context.instances.length === 0) {
    throw attestError(
      'TRUST_UNAVAILABLE',
      'No trusted root is configured to verify certificate-signed evidence.',
    );
  }
  const errors: unknown[] = [];
  for (const instance of context.instances) {
    try {
      const verified = verifyBundle(
        bundle,
        artifact,
        instance.trust,
        { kind: 'identity', policy: {} },
        instance.thresholds,
      );
      return { verified, instance: instance.name };
    } catch (error) {
      errors.push(error);
    }
  }
  // The most telling failure: one from an instance that did issue the certificate, if any did.
  throw errors.find((e) => !(isRaygateError(e) && OTHER_INSTANCE.has(e.code))) ?? errors[0];
}

function statementOf(evidence: Evidence): Statement | undefined {
  if (evidence.content.kind !== 'bundle')
    return evidence.content.kind === 'unsigned' ? evidence.content.statement : undefined;
  const content = evidence.content.bundle.bundle.content;
  if (content.$case !== 'dsseEnvelope' || content.dsseEnvelope.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    return undefined;
  return parseStatement(content.dsseEnvelope.payload);
}

function describeFacts(
  result: EvidenceResult,
  statement: Statement | undefined,
  signer: SignerCertificate | undefined,
): void {
  if (!statement) return;
  result.predicateType = statement.predicateType;
  result.kind = kindOfPredicate(statement.predicateType);
  const provenance = readProvenance(statement.predicateType, statement.predicate);
  if (provenance) {
    result.provenance = provenance;
    result.slsaLevel = deriveBuildLevel(provenance, signer);
  }
  if (result.kind === 'sbom') result.sbom = readSbomPredicate(statement.predicate);
  if (result.kind === 'vsa') {
    const vsa = readVsa(statement.predicate);
    if (vsa) result.vsa = vsa;
  }
}

/**
 * A verification summary vouches for a build level only when the policy names the verifiers it trusts
 * (a summary is a verifier's word: anyone may sign one about anything).
 */
function vsaBuildLevel(
  vsa: VsaFacts,
  rules: VerifyRules,
): { level: SlsaBuildLevel; why: string } | undefined {
  if (rules.vsa.verifiers.length === 0) return undefined;
  const levels = vsa.verifiedLevels
    .map((l) => /^SLSA_BUILD_LEVEL_([123])$/.exec(l)?.[1])
    .filter((l): l is string => l !== undefined)
    .map(Number);
  if (levels.length === 0) return undefined;
  const level = Math.max(...levels) as SlsaBuildLevel;
  return {
    level,
    why: `the verification summary by ${vsa.verifierId ?? 'its verifier'} says SLSA_BUILD_LEVEL_${level}`,
  };
}

/** PEP 740's own rules: one subject, named as the distribution file, of a type PyPI knows. */
function checkPep740Statement(evidence: Evidence, statement: Statement | undefined): void {
  if (!statement)
    throw attestError('PEP740_MALFORMED', 'The PEP 740 attestation carries no in-toto statement.');
  if (statement.subjects.length !== 1) {
    throw attestError(
      'PEP740_SUBJECT_MISMATCH',
      `A PEP 740 statement has exactly one subject; this one has ${statement.subjects.length}.`,
    );
  }
  const subject = statement.subjects[0]!;
  const expected = evidence.distributionFilename
    ? normalizeDistributionFilename(evidence.distributionFilename)
    : undefined;
  const actual = normalizeDistributionFilename(subject.name);
  if (expected !== undefined && actual !== expected) {
    throw attestError(
      'PEP740_SUBJECT_MISMATCH',
      `The attestation is for ${subject.name}, not ${evidence.distributionFilename}.`,
      {
        subject: subject.name,
      },
    );
  }
  if (statement.predicateType !== PYPI_PUBLISH_V1 && statement.predicateType !== SLSA_PROVENANCE_V1) {
    throw attestError(
      'PEP740_MALFORMED',
      `PyPI does not know the attestation type ${statement.predicateType}.`,
    );
  }
}

/**
 * Verifies one piece of evidence and says what it proves. Pure and synchronous: trust, keys, identities
 * and rules are given. Never throws for bad evidence; the result carries the reason.
 */
export function verifyEvidence(evidence: Evidence, context: VerifyContext): EvidenceResult {
  const result: EvidenceResult = {
    id: evidence.id,
    origin: evidence.origin,
    format: evidence.format,
    kind: 'signature',
    status: 'failed',
    objections: [],
    notes: [],
    ...(evidence.publisher ? { publisher: evidence.publisher } : {}),
  };
  const content = evidence.content;
  if (content.kind === 'malformed') {
    result.status = 'malformed';
    result.error = { code: content.code, message: content.message };
    return result;
  }
  if (content.kind === 'unsigned') {
    describeFacts(result, content.statement, undefined);
    if (!findSubject(content.statement, { sha256: evidence.subjectSha256 })) {
      result.error = {
        code: 'BUNDLE_SUBJECT_MISMATCH',
        message: `The statement is not about sha256:${evidence.subjectSha256}.`,
      };
      return result;
    }
    result.status = 'unsigned';
    result.error = {
      code: 'EVIDENCE_UNSIGNED',
      message: 'The statement is not signed: anyone could have written it.',
    };
    return result;
  }

  let statement: Statement | undefined;
  try {
    statement = statementOf(evidence);
  } catch (error) {
    result.status = 'malformed';
    result.error = codeAndMessage(error);
    return result;
  }
  let verified: VerifiedBundle;
  let instance: string;
  try {
    ({ verified, instance } = verifyCryptographically({ ...evidence, content }, context));
  } catch (error) {
    result.error = codeAndMessage(error);
    describeFacts(result, statement, undefined);
    delete result.slsaLevel;
    if (isRaygateError(error) && error.kind === 'input') result.status = 'malformed';
    return result;
  }
  const certificate = signerCertificate(verified);
  result.signer = summarizeSigner(verified, instance);
  const signedAt = verified.timestamps[0]?.time;
  if (signedAt) result.signedAt = signedAt;
  describeFacts(result, statement, certificate);

  try {
    if (
      evidence.signedManifestDigest !== undefined &&
      evidence.signedManifestDigest !== `sha256:${evidence.subjectSha256}`
    ) {
      throw attestError(
        'COSIGN_PAYLOAD_MISMATCH',
        `The signed payload names image ${evidence.signedManifestDigest}, not sha256:${evidence.subjectSha256}.`,
      );
    }
    if (evidence.format === 'pep740') checkPep740Statement(evidence, statement);
    if (evidence.publisher && certificate)
      result.notes.push(...checkPublisher(certificate, evidence.publisher));
  } catch (error) {
    result.error = codeAndMessage(error);
    return result;
  }

  // Cryptographically valid: now whether this signer and this content are acceptable.
  if (certificate && context.identities.length > 0) {
    let mismatch: unknown;
    const matched = context.identities.some((policy) => {
      try {
        checkIdentity(certificate, policy);
        return true;
      } catch (error) {
        mismatch ??= error;
        return false;
      }
    });
    if (!matched) {
      const { code, message } = codeAndMessage(mismatch);
      result.error = { code, message };
      result.objections.push(message);
    }
  } else if (certificate && !evidence.publisher) {
    // A valid certificate only says someone signed; without an expected signer that proves nothing.
    result.objections.push(
      'no expected signer was given (identity flags or a policy), so this signature proves nothing about who made it',
    );
  }
  const rules = context.rules ?? EMPTY_RULES;
  if (result.provenance) result.objections.push(...checkProvenance(result.provenance, rules));
  if (result.vsa) result.objections.push(...checkVsa(result.vsa, rules.vsa));
  result.status = result.objections.length > 0 ? 'rejected' : 'verified';
  const vouched = result.vsa && result.status === 'verified' ? vsaBuildLevel(result.vsa, rules) : undefined;
  if (vouched) result.slsaLevel = vouched;
  if (result.status === 'rejected' && !result.error) {
    result.error = { code: 'POLICY_REJECTED', message: result.objections.join('; ') };
  }
  return result;
}
