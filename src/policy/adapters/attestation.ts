import { bundleToJSON } from '@sigstore/bundle';
import type { ParsedBundle } from '../../attest/bundle.ts';
import { GITHUB_ACTIONS_ISSUER } from '../../attest/identity-policy.ts';
import { IN_TOTO_PAYLOAD_TYPE, parseStatement } from '../../attest/statement.ts';
import type { VerifiedBundle } from '../../attest/verify.ts';
import { canonicalJson } from '../../shared/canonical-json.ts';
import { hexDigest } from '../../shared/digest.ts';
import { isRaygateError } from '../../shared/errors.ts';
import type {
  AttestationEvidence,
  AttestationKind,
  ProvenanceEvidence,
  SignerEvidence,
} from '../evidence.ts';
import { globMatches } from '../matchers.ts';
import { canonicalRepository, readSlsaProvenance } from './slsa-provenance.ts';

export const PEP740_PUBLISH_V1 = 'https://docs.pypi.org/attestations/publish/v1';
export const VSA_V1 = 'https://slsa.dev/verification_summary/v1';
const SBOM_PREDICATES = ['https://cyclonedx.org/bom', 'https://spdx.dev/Document'];

/**
 * Builders whose provenance supports SLSA Build level 3: the signing happens in a reusable workflow the
 * build steps cannot touch. GitHub's own runner builder id (attest-build-provenance from the building
 * workflow itself) supports level 2.
 */
export const DEFAULT_L3_BUILDERS = [
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/**',
  'https://github.com/github/artifact-attestations-workflows/.github/workflows/**',
];

export interface AttestationInput {
  /** Where it was found (`uploaded`, `oci-referrers`, `pypi-integrity`, `github-attestations`, …). */
  source: string;
  bundle: ParsedBundle;
  /** What `verifyBundle` returned, or what it threw. */
  result: { verified: VerifiedBundle } | { error: unknown };
  /** Overrides the kind read from the predicate type (e.g. a cosign signature stored beside the image). */
  kind?: AttestationKind;
}

export interface AttestationOptions {
  /** Globs over builder ids and signer workflows that support SLSA Build level 3. */
  l3Builders?: readonly string[];
}

/**
 * One signature or attestation of an artifact, verified or failed, as evidence. The signer is taken only
 * from a verified result. To let the policy judge identities, the gate verifies with an identity policy
 * that accepts any signer (`{kind: 'identity', policy: {}}`) so a wrong signer shows up as a verified
 * bundle from someone else, not as a failure.
 */
export function toAttestationEvidence(
  input: AttestationInput,
  options: AttestationOptions = {},
): AttestationEvidence {
  const statement = readStatement(input.bundle);
  const kind = input.kind ?? kindOf(input.bundle, statement?.predicateType);
  const bundleDigest = `sha256:${hexDigest('sha256', canonicalJson(bundleToJSON(input.bundle.bundle)))}`;
  const base = {
    kind,
    source: input.source,
    bundleDigest,
    ...(statement ? { predicateType: statement.predicateType } : {}),
  };
  if ('error' in input.result) {
    const error = input.result.error;
    return {
      ...base,
      verification: {
        status: 'failed',
        code: isRaygateError(error) ? error.code : 'VERIFICATION_ERROR',
        message: error instanceof Error ? error.message : String(error),
      },
    };
  }
  const verified = input.result.verified;
  const signer = toSigner(verified);
  const provenance = statement ? provenanceOf(kind, statement, signer, options) : undefined;
  return {
    ...base,
    verification: { status: 'verified' },
    signer,
    ...(provenance ? { provenance } : {}),
    ...(verified.timestamps.length > 0 ? { signedAt: verified.timestamps.map((t) => t.time).sort() } : {}),
  };
}

export function toSigner(verified: VerifiedBundle): SignerEvidence {
  const signer = verified.signer;
  if (signer.kind === 'public-key')
    return { kind: 'public-key', san: [], ...(signer.hint ? { keyHint: signer.hint } : {}) };
  const ext = signer.extensions;
  const repository =
    ext.sourceRepositoryURI ??
    (ext.githubWorkflowRepository ? `https://github.com/${ext.githubWorkflowRepository}` : undefined);
  const github = {
    ...(repository ? { repository } : {}),
    ...(ext.buildConfigURI ? { workflow: ext.buildConfigURI } : {}),
    ...(ext.buildSignerURI ? { signerWorkflow: ext.buildSignerURI } : {}),
    ...((ext.sourceRepositoryRef ?? ext.githubWorkflowRef)
      ? { ref: ext.sourceRepositoryRef ?? ext.githubWorkflowRef }
      : {}),
    ...((ext.sourceRepositoryDigest ?? ext.githubWorkflowSha)
      ? { commit: ext.sourceRepositoryDigest ?? ext.githubWorkflowSha }
      : {}),
    ...((ext.buildTrigger ?? ext.githubWorkflowTrigger)
      ? { trigger: ext.buildTrigger ?? ext.githubWorkflowTrigger }
      : {}),
    ...(ext.runnerEnvironment ? { runnerEnvironment: ext.runnerEnvironment } : {}),
  };
  return {
    kind: 'certificate',
    san: [...signer.identities],
    ...(signer.issuer ? { issuer: signer.issuer } : {}),
    ...(Object.keys(github).length > 0 ? { github } : {}),
  };
}

function readStatement(bundle: ParsedBundle): { predicateType: string; predicate: unknown } | undefined {
  const content = bundle.bundle.content;
  if (content.$case !== 'dsseEnvelope' || content.dsseEnvelope.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    return undefined;
  try {
    const statement = parseStatement(content.dsseEnvelope.payload);
    return { predicateType: statement.predicateType, predicate: statement.predicate };
  } catch {
    return undefined;
  }
}

function kindOf(bundle: ParsedBundle, predicateType: string | undefined): AttestationKind {
  if (bundle.bundle.content.$case === 'messageSignature' || predicateType === undefined) return 'signature';
  if (predicateType.startsWith('https://slsa.dev/provenance/')) return 'slsa-provenance';
  if (predicateType === PEP740_PUBLISH_V1) return 'pep740';
  if (predicateType === VSA_V1) return 'vsa';
  if (SBOM_PREDICATES.some((p) => predicateType.startsWith(p))) return 'sbom-attestation';
  return 'signature';
}

function provenanceOf(
  kind: AttestationKind,
  statement: { predicateType: string; predicate: unknown },
  signer: SignerEvidence,
  options: AttestationOptions,
): ProvenanceEvidence | undefined {
  let facts: ProvenanceEvidence | undefined;
  if (kind === 'slsa-provenance') facts = readSlsaProvenance(statement.predicateType, statement.predicate);
  else if (kind === 'pep740') {
    // A PEP 740 publish attestation states nothing itself: its facts are the Trusted Publisher's certificate.
    const g = signer.github;
    facts = {
      ...(g?.repository ? { sourceRepository: canonicalRepository(g.repository) } : {}),
      ...(g?.ref ? { sourceRef: g.ref } : {}),
      ...(g?.commit ? { sourceCommit: g.commit.toLowerCase() } : {}),
    };
  }
  if (!facts) return undefined;
  return { ...facts, slsaLevel: slsaLevel(kind, facts, signer, options.l3Builders ?? DEFAULT_L3_BUILDERS) };
}

/**
 * The SLSA Build level verified provenance supports: 1 for any provenance; 2 when a hosted build platform
 * signed it with a keyless CI identity; 3 when the builder (or the workflow that signed) is an isolated
 * builder from `l3Builders`. A PEP 740 publish attestation is not build provenance: level 0.
 */
function slsaLevel(
  kind: AttestationKind,
  facts: ProvenanceEvidence,
  signer: SignerEvidence,
  l3Builders: readonly string[],
): 0 | 1 | 2 | 3 {
  if (kind !== 'slsa-provenance') return 0;
  const hosted =
    signer.kind === 'certificate' &&
    signer.issuer === GITHUB_ACTIONS_ISSUER &&
    (signer.github?.runnerEnvironment === 'github-hosted' ||
      facts.builderId === 'https://github.com/actions/runner/github-hosted');
  if (!hosted) return 1;
  const isolated = [facts.builderId, signer.github?.signerWorkflow].some(
    (id) => id !== undefined && l3Builders.some((glob) => globMatches(glob, id)),
  );
  return isolated ? 3 : 2;
}
