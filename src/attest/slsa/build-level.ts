import type { SignerCertificate } from '../fulcio-certificate.ts';
import type { ProvenanceFacts } from './provenance.ts';

/**
 * The SLSA v1 Build level a piece of evidence supports, derived only from what was verified:
 * - L0: no provenance.
 * - L1: provenance exists and names the artifact (even unsigned, or signed by a person or a key).
 * - L2: the provenance is signed by a hosted build platform's own identity: a Fulcio certificate issued
 *   on a CI platform's OIDC token (GitHub Actions, GitLab CI, Buildkite, Cloud Build) whose runner is
 *   the platform's hosted runner (extension 1.11 `github-hosted`, or absent for platforms without it).
 *   A self-hosted runner, an e-mail identity or a plain key stays at L1.
 * - L3: L2, and the provenance was made and signed by an isolated builder the build's own workflow
 *   cannot tamper with: the signing workflow (Build Signer URI, 1.9) is a known trusted reusable
 *   workflow that differs from the build's workflow (Build Config URI, 1.18) — slsa-github-generator's
 *   builders, or GitHub's reusable artifact-attestations workflow — and the provenance's builder.id
 *   names that workflow (or GitHub's hosted runner for GitHub's own attestation workflow). With
 *   slsa-github-generator's delegator (its "build your own builder" framework) the delegator signs and
 *   the builder.id names the trusted reusable workflow that called it, pinned to a tag.
 */
export type SlsaBuildLevel = 0 | 1 | 2 | 3;

/** OIDC issuers of hosted CI platforms: their tokens identify a build, not a person. */
export const HOSTED_CI_ISSUERS: readonly string[] = [
  'https://token.actions.githubusercontent.com',
  'https://gitlab.com',
  'https://agent.buildkite.com',
  'https://accounts.google.com',
];

/** Reusable workflows that generate and sign provenance in a job the calling workflow cannot reach. */
export const ISOLATED_SIGNER_WORKFLOWS: readonly RegExp[] = [
  /^https:\/\/github\.com\/slsa-framework\/slsa-github-generator\/\.github\/workflows\/[^@]+@refs\/tags\/v\d/,
  /^https:\/\/github\.com\/github\/artifact-attestations-workflows\/\.github\/workflows\/[^@]+@/,
];

/** slsa-github-generator's delegators: they sign provenance for the builder workflow that calls them. */
const DELEGATOR_WORKFLOWS =
  /^https:\/\/github\.com\/slsa-framework\/slsa-github-generator\/\.github\/workflows\/delegator_(?:generic|lowperms-generic)_slsa3\.yml@refs\/tags\/v\d/;
/** A reusable GitHub workflow pinned to a tag: what a delegated builder's builder.id must be. */
const TAGGED_WORKFLOW = /^https:\/\/github\.com\/[^/]+\/[^/]+\/\.github\/workflows\/[^@/]+@refs\/tags\/[^/]+/;

function withoutRef(uri: string): string {
  const at = uri.lastIndexOf('@');
  return at < 0 ? uri : uri.slice(0, at);
}

export function deriveBuildLevel(
  provenance: ProvenanceFacts | undefined,
  signer: SignerCertificate | undefined,
): { level: SlsaBuildLevel; why: string } {
  if (!provenance) return { level: 0, why: 'no provenance' };
  if (!signer) return { level: 1, why: 'provenance exists but is not signed by a build platform identity' };
  const issuer = signer.issuer ?? '';
  const runner = signer.extensions.runnerEnvironment;
  // Google's issuer also serves people; only its service accounts (Cloud Build) count as a platform.
  const platform =
    HOSTED_CI_ISSUERS.includes(issuer) &&
    (issuer !== 'https://accounts.google.com' ||
      signer.identities.some((id) => /\.iam\.gserviceaccount\.com$/.test(id)));
  if (!platform)
    return {
      level: 1,
      why: `signed by ${signer.identities[0] ?? 'an identity'} (${issuer || 'no issuer'}), not a build platform`,
    };
  if (runner !== undefined && runner !== 'github-hosted' && runner !== 'gitlab-hosted') {
    return { level: 1, why: `built on a ${runner} runner, not the platform's hosted one` };
  }
  const signerWorkflow = signer.extensions.buildSignerURI;
  const buildWorkflow = signer.extensions.buildConfigURI;
  const isolated =
    signerWorkflow !== undefined &&
    ISOLATED_SIGNER_WORKFLOWS.some((pattern) => pattern.test(signerWorkflow)) &&
    (buildWorkflow === undefined || withoutRef(buildWorkflow) !== withoutRef(signerWorkflow));
  if (isolated) {
    const builder = provenance.builderId ?? '';
    const delegated = DELEGATOR_WORKFLOWS.test(signerWorkflow) && TAGGED_WORKFLOW.test(builder);
    if (delegated) {
      return {
        level: 3,
        why: `provenance signed by slsa-github-generator's delegator ${withoutRef(signerWorkflow)} for the builder ${builder}`,
      };
    }
    const builderMatches =
      withoutRef(builder) === withoutRef(signerWorkflow) ||
      (signerWorkflow.startsWith('https://github.com/github/artifact-attestations-workflows/') &&
        builder === 'https://github.com/actions/runner/github-hosted');
    if (builderMatches)
      return {
        level: 3,
        why: `provenance generated and signed by the isolated builder ${withoutRef(signerWorkflow)}`,
      };
    return {
      level: 2,
      why: `signed by ${withoutRef(signerWorkflow)}, but the provenance names builder ${builder || '(none)'}`,
    };
  }
  return { level: 2, why: `signed by the hosted build platform (${issuer}) from the build's own workflow` };
}
