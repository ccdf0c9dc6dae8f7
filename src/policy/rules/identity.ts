import { GITHUB_ACTIONS_ISSUER } from '../../attest/identity-policy.ts';
import type { SignerEvidence } from '../evidence.ts';
import { compilePattern, globMatches } from '../matchers.ts';
import type { IdentityRequirement } from '../policy.ts';

/**
 * Why a signer is not the one a requirement names, or undefined when it is. The same reading of Fulcio's
 * certificate facts as `raygate verify-bundle` (attest/identity-policy.ts): GitHub expectations are checked
 * against the repository, workflow and ref extensions, not the SAN.
 */
export function identityMismatch(
  signer: SignerEvidence | undefined,
  want: IdentityRequirement,
): string | undefined {
  if (!signer) return 'the signer could not be read';
  if (signer.kind !== 'certificate') {
    return `signed with a key${signer.keyHint ? ` (${signer.keyHint})` : ''}, not a certificate identity`;
  }
  const issuerExact =
    want.issuer ?? (want.issuerPattern === undefined && want.github ? GITHUB_ACTIONS_ISSUER : undefined);
  if (issuerExact !== undefined && signer.issuer !== issuerExact) {
    return `issuer is ${show(signer.issuer)}, expected ${show(issuerExact)}`;
  }
  if (
    want.issuerPattern !== undefined &&
    !(signer.issuer !== undefined && compilePattern(want.issuerPattern)?.test(signer.issuer))
  ) {
    return `issuer is ${show(signer.issuer)}, expected one matching /${want.issuerPattern}/`;
  }
  if (want.san !== undefined && !signer.san.includes(want.san)) {
    return `identity is ${sans(signer)}, expected ${show(want.san)}`;
  }
  if (want.sanPattern !== undefined) {
    const pattern = compilePattern(want.sanPattern);
    if (!signer.san.some((s) => pattern?.test(s)))
      return `identity is ${sans(signer)}, expected one matching /${want.sanPattern}/`;
  }
  const github = want.github;
  if (github) {
    const facts = signer.github ?? {};
    if (github.repository !== undefined) {
      const expected = githubUrl(github.repository);
      if (facts.repository?.toLowerCase() !== expected.toLowerCase()) {
        return `source repository is ${show(facts.repository)}, expected ${show(expected)}`;
      }
    }
    if (github.workflow !== undefined) {
      if (facts.repository === undefined)
        return `workflow cannot be checked: the certificate names no source repository`;
      const expected = `${facts.repository}/${github.workflow.replace(/^\/+/, '')}`;
      if (!workflowMatches(facts.workflow, expected))
        return `workflow is ${show(facts.workflow)}, expected ${show(expected)}`;
    }
    if (github.signerWorkflow !== undefined) {
      const expected = githubUrl(github.signerWorkflow);
      if (!workflowMatches(facts.signerWorkflow, expected)) {
        return `signing workflow is ${show(facts.signerWorkflow)}, expected ${show(expected)}`;
      }
    }
    if (github.ref !== undefined && (facts.ref === undefined || !globMatches(github.ref, facts.ref))) {
      return `source ref is ${show(facts.ref)}, expected one matching ${show(github.ref)}`;
    }
  }
  return undefined;
}

/** The first requirement the signer meets, or every mismatch (one per requirement). */
export function matchIdentities(
  signer: SignerEvidence | undefined,
  wants: readonly IdentityRequirement[],
): { matched: true } | { matched: false; why: string[] } {
  if (wants.length === 0) return { matched: true };
  const why: string[] = [];
  for (const want of wants) {
    const mismatch = identityMismatch(signer, want);
    if (mismatch === undefined) return { matched: true };
    why.push(mismatch);
  }
  return { matched: false, why };
}

/** `signed by https://github.com/acme/x/.github/workflows/release.yml@refs/tags/v1 (issuer …)`. */
export function describeSigner(signer: SignerEvidence | undefined): string {
  if (!signer) return 'an unreadable signer';
  if (signer.kind !== 'certificate') return `key ${signer.keyHint || '(no hint)'}`;
  return `${sans(signer)} (issuer ${signer.issuer ?? 'unknown'})`;
}

export function githubUrl(value: string): string {
  const trimmed = value.replace(/\/+$/, '');
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://github.com/${trimmed}`;
}

function workflowMatches(actual: string | undefined, expected: string): boolean {
  if (actual === undefined) return false;
  const want = splitAtRef(expected);
  const got = splitAtRef(actual);
  return (
    got.path.toLowerCase() === want.path.toLowerCase() && (want.ref === undefined || want.ref === got.ref)
  );
}

function splitAtRef(uri: string): { path: string; ref: string | undefined } {
  const at = uri.lastIndexOf('@');
  return at < 0 ? { path: uri, ref: undefined } : { path: uri.slice(0, at), ref: uri.slice(at + 1) };
}

function sans(signer: SignerEvidence): string {
  return signer.san.length > 0 ? signer.san.map((s) => JSON.stringify(s)).join(', ') : '(none)';
}

function show(value: string | undefined): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}
