import { attestError } from '../errors.ts';
import type { SignerCertificate } from '../fulcio-certificate.ts';

/**
 * The Trusted Publisher PyPI recorded for a file: who was allowed to upload it, as PyPI's provenance
 * object names it. The signing certificate of every attestation must be that publisher's: PyPI checked
 * this on upload; raygate checks it again, since the provenance object is served, not signed.
 */
export type TrustedPublisher =
  | { kind: 'GitHub'; repository: string; workflow: string; environment?: string }
  | { kind: 'GitLab'; repository: string; workflowFilepath: string; environment?: string }
  | { kind: 'Google'; email: string; subject?: string }
  | { kind: 'other'; name: string; claims: Record<string, string> };

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
export const GITLAB_ISSUER = 'https://gitlab.com';
export const GOOGLE_ISSUER = 'https://accounts.google.com';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function malformed(message: string): never {
  throw attestError('PEP740_MALFORMED', `The provenance's publisher ${message}`);
}

export function readPublisher(json: unknown): TrustedPublisher {
  if (!isRecord(json)) malformed('is not an object.');
  const kind = field(json, 'kind');
  if (!kind) malformed('has no kind.');
  const environment = field(json, 'environment');
  if (kind === 'GitHub') {
    const repository = field(json, 'repository');
    const workflow = field(json, 'workflow');
    if (!repository || !workflow) malformed('of kind GitHub needs repository and workflow.');
    return { kind, repository, workflow, ...(environment ? { environment } : {}) };
  }
  if (kind === 'GitLab') {
    const repository = field(json, 'repository');
    const workflowFilepath = field(json, 'workflow_filepath');
    if (!repository || !workflowFilepath) malformed('of kind GitLab needs repository and workflow_filepath.');
    return { kind, repository, workflowFilepath, ...(environment ? { environment } : {}) };
  }
  if (kind === 'Google') {
    const email = field(json, 'email');
    if (!email) malformed('of kind Google needs email.');
    const subject = field(json, 'subject');
    return { kind, email, ...(subject ? { subject } : {}) };
  }
  const claims: Record<string, string> = {};
  for (const [k, v] of Object.entries(json)) if (typeof v === 'string') claims[k] = v;
  return { kind: 'other', name: kind, claims };
}

/** One line naming a publisher: `GitHub trailofbits/pypi-attestations release.yml`. */
export function describePublisher(publisher: TrustedPublisher): string {
  switch (publisher.kind) {
    case 'GitHub':
      return `GitHub ${publisher.repository} ${publisher.workflow}${publisher.environment ? ` (environment ${publisher.environment})` : ''}`;
    case 'GitLab':
      return `GitLab ${publisher.repository} ${publisher.workflowFilepath}${publisher.environment ? ` (environment ${publisher.environment})` : ''}`;
    case 'Google':
      return `Google ${publisher.email}`;
    default:
      return `${publisher.name} ${Object.entries(publisher.claims)
        .filter(([k]) => k !== 'kind')
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`.trim();
  }
}

/** The same publisher (repository names compared case-insensitively, as the forges do). */
export function samePublisher(a: TrustedPublisher, b: TrustedPublisher): boolean {
  if (a.kind === 'GitHub' && b.kind === 'GitHub') {
    return a.repository.toLowerCase() === b.repository.toLowerCase() && a.workflow === b.workflow;
  }
  if (a.kind === 'GitLab' && b.kind === 'GitLab') {
    return (
      a.repository.toLowerCase() === b.repository.toLowerCase() && a.workflowFilepath === b.workflowFilepath
    );
  }
  if (a.kind === 'Google' && b.kind === 'Google') return a.email === b.email;
  return describePublisher(a) === describePublisher(b);
}

function mismatch(publisher: TrustedPublisher, why: string): never {
  throw attestError(
    'PEP740_PUBLISHER_MISMATCH',
    `The attestation was not signed by the Trusted Publisher PyPI records (${describePublisher(publisher)}): ${why}.`,
    { publisher },
  );
}

/**
 * Checks a verified signing certificate against a Trusted Publisher, as PyPI does on upload: the OIDC
 * issuer, the source repository, and the Build Config URI, which must be the publisher's workflow at the
 * certificate's own ref or commit (a publisher names a workflow, never a ref). An environment, when the
 * publisher names one and the certificate carries Fulcio's deployment-environment extension (1.23), must
 * match. Returns notes on what could not be checked.
 */
export function checkPublisher(signer: SignerCertificate, publisher: TrustedPublisher): string[] {
  const ext = signer.extensions;
  const notes: string[] = [];
  const checkConfig = (base: string, path: string) => {
    const config = ext.buildConfigURI;
    const suffixes = [ext.sourceRepositoryRef, ext.sourceRepositoryDigest].filter((s): s is string =>
      Boolean(s),
    );
    if (!config) mismatch(publisher, 'the certificate has no Build Config URI (1.3.6.1.4.1.57264.1.18)');
    if (!suffixes.some((suffix) => config === `${base}${path}@${suffix}`)) {
      mismatch(publisher, `the certificate's Build Config URI is ${config}`);
    }
  };
  const checkEnvironment = (environment: string | undefined) => {
    if (!environment) return;
    const actual = ext.deploymentEnvironment;
    if (actual === undefined)
      notes.push(
        `environment ${environment} not checked: the certificate predates Fulcio's deployment-environment extension`,
      );
    else if (actual !== environment) mismatch(publisher, `the certificate's environment is ${actual}`);
  };
  switch (publisher.kind) {
    case 'GitHub': {
      if (signer.issuer !== GITHUB_ISSUER)
        mismatch(publisher, `the certificate's issuer is ${signer.issuer ?? '(none)'}`);
      const repository = `https://github.com/${publisher.repository}`;
      if (ext.sourceRepositoryURI?.toLowerCase() !== repository.toLowerCase()) {
        mismatch(publisher, `the certificate's source repository is ${ext.sourceRepositoryURI ?? '(none)'}`);
      }
      checkConfig(ext.sourceRepositoryURI!, `/.github/workflows/${publisher.workflow}`);
      checkEnvironment(publisher.environment);
      return notes;
    }
    case 'GitLab': {
      if (signer.issuer !== GITLAB_ISSUER)
        mismatch(publisher, `the certificate's issuer is ${signer.issuer ?? '(none)'}`);
      const repository = `https://gitlab.com/${publisher.repository}`;
      if (ext.sourceRepositoryURI?.toLowerCase() !== repository.toLowerCase()) {
        mismatch(publisher, `the certificate's source repository is ${ext.sourceRepositoryURI ?? '(none)'}`);
      }
      checkConfig(ext.sourceRepositoryURI!, `//${publisher.workflowFilepath}`);
      checkEnvironment(publisher.environment);
      return notes;
    }
    case 'Google':
      if (signer.issuer !== GOOGLE_ISSUER)
        mismatch(publisher, `the certificate's issuer is ${signer.issuer ?? '(none)'}`);
      if (!signer.identities.includes(publisher.email)) {
        mismatch(publisher, `the certificate is for ${signer.identities.join(', ') || '(nobody)'}`);
      }
      return notes;
    default:
      throw attestError(
        'PEP740_PUBLISHER_MISMATCH',
        `Trusted Publishers of kind ${publisher.name} cannot be checked by raygate; pass the expected identity (--certificate-identity …).`,
        { publisher },
      );
  }
}

/** The publisher a verified certificate stands for, when it came from a forge PyPI trusts. */
export function publisherOfCertificate(signer: SignerCertificate): TrustedPublisher | undefined {
  const ext = signer.extensions;
  const repo = ext.sourceRepositoryURI;
  const config = ext.buildConfigURI;
  if (signer.issuer === GITHUB_ISSUER && repo && config) {
    const match = /\/\.github\/workflows\/([^@]+)@/.exec(config);
    if (match?.[1])
      return { kind: 'GitHub', repository: repo.replace(/^https:\/\/github\.com\//, ''), workflow: match[1] };
  }
  if (signer.issuer === GITLAB_ISSUER && repo && config) {
    const match = /\/\/([^@]+)@/.exec(config.replace(/^https:\/\//, ''));
    if (match?.[1])
      return {
        kind: 'GitLab',
        repository: repo.replace(/^https:\/\/gitlab\.com\//, ''),
        workflowFilepath: match[1],
      };
  }
  return undefined;
}
