import assert from 'node:assert/strict';
import type { Decision, Reason, RuleResult } from '../../src/policy/decision.ts';
import { evaluate } from '../../src/policy/evaluate.ts';
import {
  EVIDENCE_SCHEMA,
  type ArtifactEvidence,
  type AttestationEvidence,
  type ReleaseEvidence,
  type SignerEvidence,
  type VulnerabilityFinding,
} from '../../src/policy/evidence.ts';
import type { Policy } from '../../src/policy/policy.ts';
import { checkPolicy } from '../../src/policy/policy-parse.ts';

export const NOW = new Date('2026-11-25T12:00:00Z');
export const DIGEST_A = `sha256:${'a1'.repeat(32)}`;
export const DIGEST_B = `sha256:${'b2'.repeat(32)}`;
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** A policy from YAML rules (indented as items of `rules:`), failing the test on any problem. */
export function policyOf(rules: string, name = 'test'): Policy {
  const { policy, problems } = checkPolicy(
    `apiVersion: raygate.dev/policy/v1\nname: ${name}\nrules:\n${rules}`,
  );
  assert.deepEqual(problems, []);
  return policy!;
}

export function evidenceOf(parts: Partial<ReleaseEvidence> = {}): ReleaseEvidence {
  return {
    schema: EVIDENCE_SCHEMA,
    release: { project: 'acme-ray', version: '2.58.0', submittedBy: 'ci-bot' },
    artifacts: [],
    lockFiles: [],
    dependencies: [],
    publisherDrift: [],
    approvals: [],
    exceptions: [],
    snapshots: {},
    ...parts,
  };
}

export function image(parts: Partial<ArtifactEvidence> = {}): ArtifactEvidence {
  return { kind: 'image', name: 'ghcr.io/acme/ray-ml', digest: DIGEST_A, attestations: [], ...parts };
}

export function wheel(parts: Partial<ArtifactEvidence> = {}): ArtifactEvidence {
  return {
    kind: 'wheel',
    name: 'acme_udf-1.2.0-py3-none-any.whl',
    digest: DIGEST_B,
    attestations: [],
    ...parts,
  };
}

export function vuln(parts: Partial<VulnerabilityFinding> = {}): VulnerabilityFinding {
  return {
    id: 'CVE-2024-1000',
    advisories: ['GHSA-aaaa-bbbb-cccc'],
    aliases: ['CVE-2024-1000'],
    package: {
      ecosystem: 'pypi',
      name: 'aiohttp',
      version: '3.9.1',
      purl: 'pkg:pypi/aiohttp@3.9.1',
      locations: ['/usr/lib/python3/site-packages/aiohttp-3.9.1.dist-info/METADATA'],
    },
    severity: 'high',
    score: 7.5,
    malicious: false,
    fixedIn: '3.9.2',
    ...parts,
  };
}

export function assessed(findings: VulnerabilityFinding[]): ArtifactEvidence['vulnerabilities'] {
  return { source: { kind: 'mirror', location: 'osv' }, findings, notAssessed: [], problems: [] };
}

export function githubSigner(
  repository: string,
  workflow = '.github/workflows/release.yml',
  ref = 'refs/tags/v2.58.0',
): SignerEvidence {
  const repo = `https://github.com/${repository}`;
  return {
    kind: 'certificate',
    san: [`${repo}/${workflow}@${ref}`],
    issuer: GITHUB_ISSUER,
    github: {
      repository: repo,
      workflow: `${repo}/${workflow}@${ref}`,
      signerWorkflow: `${repo}/${workflow}@${ref}`,
      ref,
      commit: 'c0ffee0000000000000000000000000000000000',
      runnerEnvironment: 'github-hosted',
    },
  };
}

export function attestation(parts: Partial<AttestationEvidence> = {}): AttestationEvidence {
  return {
    kind: 'signature',
    source: 'oci-referrers',
    bundleDigest: `sha256:${'cd'.repeat(32)}`,
    verification: { status: 'verified' },
    signer: githubSigner('acme/ray-images'),
    ...parts,
  };
}

export function decide(policy: Policy, evidence: ReleaseEvidence, now = NOW): Decision {
  return evaluate(policy, evidence, { now });
}

export function ruleOf(decision: Decision, id: string): RuleResult {
  const rule = decision.rules.find((r) => r.rule === id);
  assert.ok(rule, `no result for rule ${id}`);
  return rule;
}

/** `status code: message` of every reason of one rule, in decision order. */
export function reasonLines(decision: Decision, id: string, statuses?: Reason['status'][]): string[] {
  return ruleOf(decision, id)
    .reasons.filter((r) => !statuses || statuses.includes(r.status))
    .map((r) => `${r.status} ${r.code}: ${r.message}`);
}
