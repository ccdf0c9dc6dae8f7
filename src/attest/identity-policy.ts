import { RaygateError } from '../shared/errors.ts';
import { attestError } from './errors.ts';
import type { SignerCertificate } from './fulcio-certificate.ts';

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** `exact` compares the whole string; `pattern` is cosign's `…-regexp`: a regular expression, not anchored. */
export type Matcher = { exact: string } | { pattern: RegExp };

/**
 * GitHub Actions expectations, checked against Fulcio's extensions rather than the SAN (the SAN names the
 * workflow file that signed, which for a reusable workflow is not the repository being built):
 * - `repository` (`owner/repo` or a full URL): Source Repository URI (1.12), or the deprecated 1.5;
 * - `workflow` (`.github/workflows/x.yml`, optionally `@ref`): the workflow that started the run, Build Config URI (1.18);
 * - `signerWorkflow` (`owner/repo/.github/workflows/x.yml`, optionally `@ref`): the workflow that signed, Build Signer URI (1.9);
 * - `ref` (a glob: `*` within one path segment, `**` across): Source Repository Ref (1.14), or the deprecated 1.6.
 */
export interface GithubExpectation {
  repository?: string;
  /** The repository owner (user or organisation), as `gh attestation verify --owner`: Source Repository Owner URI (1.16). */
  owner?: string;
  workflow?: string;
  signerWorkflow?: string;
  ref?: string;
}

export interface IdentityPolicy {
  identity?: Matcher;
  issuer?: Matcher;
  github?: GithubExpectation;
}

function describe(matcher: Matcher): string {
  return 'exact' in matcher ? JSON.stringify(matcher.exact) : `/${matcher.pattern.source}/`;
}

function matches(matcher: Matcher, value: string): boolean {
  return 'exact' in matcher ? matcher.exact === value : matcher.pattern.test(value);
}

function mismatch(field: string, expected: string, actual: string | undefined, why?: string): never {
  throw attestError(
    'BUNDLE_IDENTITY_MISMATCH',
    `The signing certificate's ${field} is ${actual === undefined ? 'absent' : JSON.stringify(actual)}, expected ${expected}${why ? ` (${why})` : ''}.`,
    { field, expected, actual: actual ?? null },
  );
}

/** A glob over git refs: `*` matches within one path segment, `**` across segments. */
export function refGlob(glob: string): RegExp {
  const body = glob
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** Refuses a keyless policy that would accept anyone: both who signed and who vouched for them are needed. */
export function assertPolicyComplete(policy: IdentityPolicy): void {
  const hasIdentity =
    policy.identity !== undefined ||
    policy.github?.repository !== undefined ||
    policy.github?.owner !== undefined ||
    policy.github?.signerWorkflow !== undefined;
  if (!hasIdentity) {
    throw new RaygateError(
      'USAGE_IDENTITY_REQUIRED',
      'usage',
      'Say who must have signed: --certificate-identity, --certificate-identity-regexp, --github-repository or --github-signer-workflow (or --key for a key-signed bundle).',
    );
  }
  if (policy.issuer === undefined && policy.github === undefined) {
    throw new RaygateError(
      'USAGE_ISSUER_REQUIRED',
      'usage',
      'Say which OIDC issuer vouched for the signer: --certificate-oidc-issuer or --certificate-oidc-issuer-regexp.',
    );
  }
}

function githubURL(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://github.com/${value}`;
}

function splitAtRef(uri: string): { path: string; ref: string | undefined } {
  const at = uri.lastIndexOf('@');
  return at < 0 ? { path: uri, ref: undefined } : { path: uri.slice(0, at), ref: uri.slice(at + 1) };
}

function checkWorkflowURI(field: string, actual: string | undefined, expectedURI: string): void {
  if (actual === undefined) {
    mismatch(field, JSON.stringify(expectedURI), undefined, 'the certificate predates this Fulcio extension');
  }
  const want = splitAtRef(expectedURI);
  const got = splitAtRef(actual);
  const pathMatches = got.path.toLowerCase() === want.path.toLowerCase();
  const refMatches = want.ref === undefined || want.ref === got.ref;
  if (!pathMatches || !refMatches) mismatch(field, JSON.stringify(expectedURI), actual);
}

function checkGithub(signer: SignerCertificate, github: GithubExpectation): void {
  const ext = signer.extensions;
  let repositoryURI = ext.sourceRepositoryURI;
  if (repositoryURI === undefined && ext.githubWorkflowRepository !== undefined) {
    repositoryURI = `https://github.com/${ext.githubWorkflowRepository}`;
  }
  if (github.repository !== undefined) {
    const expected = githubURL(github.repository.replace(/\/+$/, ''));
    // GitHub owner and repository names are case-insensitive and unique regardless of case.
    if (repositoryURI?.toLowerCase() !== expected.toLowerCase()) {
      mismatch('source repository (1.3.6.1.4.1.57264.1.12)', JSON.stringify(expected), repositoryURI);
    }
  }
  if (github.owner !== undefined) {
    const expected = githubURL(github.owner.replace(/\/+$/, ''));
    const owner =
      ext.sourceRepositoryOwnerURI ??
      (repositoryURI ? repositoryURI.slice(0, repositoryURI.lastIndexOf('/')) : undefined);
    if (owner?.toLowerCase() !== expected.toLowerCase()) {
      mismatch('source repository owner (1.3.6.1.4.1.57264.1.16)', JSON.stringify(expected), owner);
    }
  }
  if (github.workflow !== undefined) {
    if (repositoryURI === undefined) {
      mismatch(
        'build config URI (1.3.6.1.4.1.57264.1.18)',
        github.workflow,
        undefined,
        'no source repository',
      );
    }
    const path = github.workflow.replace(/^\/+/, '');
    checkWorkflowURI(
      'build config URI (1.3.6.1.4.1.57264.1.18)',
      ext.buildConfigURI,
      `${repositoryURI}/${path}`,
    );
  }
  if (github.signerWorkflow !== undefined) {
    checkWorkflowURI(
      'build signer URI (1.3.6.1.4.1.57264.1.9)',
      ext.buildSignerURI,
      githubURL(github.signerWorkflow),
    );
  }
  if (github.ref !== undefined) {
    const ref = ext.sourceRepositoryRef ?? ext.githubWorkflowRef;
    if (ref === undefined || !refGlob(github.ref).test(ref)) {
      mismatch(
        'source repository ref (1.3.6.1.4.1.57264.1.14)',
        `a ref matching ${JSON.stringify(github.ref)}`,
        ref,
      );
    }
  }
}

/** Checks a verified signing certificate against who the caller expects; throws BUNDLE_IDENTITY_MISMATCH. */
export function checkIdentity(signer: SignerCertificate, policy: IdentityPolicy): void {
  const issuer = policy.issuer ?? (policy.github ? { exact: GITHUB_ACTIONS_ISSUER } : undefined);
  if (issuer !== undefined && (signer.issuer === undefined || !matches(issuer, signer.issuer))) {
    mismatch('OIDC issuer', describe(issuer), signer.issuer);
  }
  if (policy.identity !== undefined) {
    const identity = policy.identity;
    if (!signer.identities.some((value) => matches(identity, value))) {
      mismatch(
        'identity (Subject Alternative Name)',
        describe(identity),
        signer.identities.join(', ') || undefined,
      );
    }
  }
  if (policy.github !== undefined) checkGithub(signer, policy.github);
}
