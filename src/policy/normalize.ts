import { spdxId } from '../sbom/licenses/spdx-expression.ts';
import type { Severity } from '../shared/severity.ts';
import { currentLicenseId } from './license-ids.ts';
import type { ArtifactKind, AttestationKind } from './evidence.ts';
import {
  POLICY_API_VERSION,
  type ArtifactSelector,
  type Handling,
  type IdentityRequirement,
  type Policy,
  type PolicyRule,
  type VulnerabilityIgnore,
} from './policy.ts';

type Raw = Record<string, unknown>;

/**
 * The policy `evaluate()` reads, from a document that passed the schema and the semantic checks: every
 * default written out and SPDX ids in their canonical spelling, so the canonical digest depends on what
 * the policy means, not on how it was written. The defaults here are the documented ones (policies/README.md).
 */
export function normalizePolicy(raw: Raw): Policy {
  return {
    apiVersion: POLICY_API_VERSION,
    name: raw.name as string,
    ...(raw.description !== undefined ? { description: raw.description as string } : {}),
    rules: (raw.rules as Raw[]).map(normalizeRule),
  };
}

function normalizeRule(r: Raw): PolicyRule {
  const base = {
    id: r.id as string,
    ...(r.description !== undefined ? { description: r.description as string } : {}),
    action: (r.action as 'fail' | 'warn' | undefined) ?? 'fail',
  };
  const strings = (key: string) => [...((r[key] as string[] | undefined) ?? [])];
  const handling = (key: string, fallback: Handling) => (r[key] as Handling | undefined) ?? fallback;
  const flag = (key: string, fallback: boolean) => (r[key] as boolean | undefined) ?? fallback;
  const severity = () => (r.severity !== undefined ? { severity: r.severity as Severity } : {});
  const kinds = (fallback: AttestationKind[]) => (r.kinds as AttestationKind[] | undefined) ?? fallback;
  switch (r.check) {
    case 'vulnerabilities':
      return {
        ...base,
        check: 'vulnerabilities',
        artifacts: selector(r.artifacts),
        ...severity(),
        ...(r.cvss !== undefined ? { cvss: r.cvss as number } : {}),
        fix: (r.fix as 'any' | 'available' | 'unavailable' | undefined) ?? 'any',
        unknownSeverity: handling('unknownSeverity', 'warn'),
        notAssessed: handling('notAssessed', 'warn'),
        missing: handling('missing', 'fail'),
        rayVerdicts: flag('rayVerdicts', false),
        ignore: ((r.ignore as Raw[] | undefined) ?? []).map((i): VulnerabilityIgnore => ({
          id: i.id as string,
          reason: i.reason as string,
          expires: i.expires as string,
          ...(i.purl !== undefined ? { purl: i.purl as string } : {}),
        })),
      };
    case 'pins': {
      const findings = (r.findings as Raw | undefined) ?? {};
      return {
        ...base,
        check: 'pins',
        files: strings('files'),
        exact: flag('exact', false),
        hashes: flag('hashes', false),
        findings: {
          ...(findings.severity !== undefined ? { severity: findings.severity as Severity } : {}),
          ids: [...((findings.ids as string[] | undefined) ?? [])],
          exclude: [...((findings.exclude as string[] | undefined) ?? [])],
        },
        missing: handling('missing', 'warn'),
      };
    }
    case 'signatures':
      return {
        ...base,
        check: 'signatures',
        artifacts: selector(r.artifacts),
        kinds: kinds(['signature']),
        identities: identities(r.identities),
      };
    case 'provenance':
      return {
        ...base,
        check: 'provenance',
        artifacts: selector(r.artifacts),
        kinds: kinds(['slsa-provenance']),
        builders: strings('builders'),
        buildTypes: strings('buildTypes'),
        sourceRepositories: strings('sourceRepositories'),
        refs: strings('refs'),
        ...(r.minLevel !== undefined ? { minLevel: r.minLevel as 0 | 1 | 2 | 3 | 4 } : {}),
        releaseCommit: flag('releaseCommit', false),
        signers: identities(r.signers),
      };
    case 'sbom':
      return {
        ...base,
        check: 'sbom',
        artifacts: selector(r.artifacts),
        origins: (r.origins as ('generated' | 'uploaded')[] | undefined) ?? ['generated', 'uploaded'],
        attested: flag('attested', false),
        signers: identities(r.signers),
      };
    case 'licenses':
      return {
        ...base,
        check: 'licenses',
        artifacts: selector(r.artifacts),
        deny: strings('deny').map(canonicalLicense),
        allow: strings('allow').map(canonicalLicense),
        unknown: handling('unknown', 'warn'),
        ecosystems: strings('ecosystems').map((e) => e.toLowerCase()),
        exclude: strings('exclude'),
      };
    case 'cooldown':
      return {
        ...base,
        check: 'cooldown',
        days: r.days as number,
        unknown: handling('unknown', 'warn'),
        exclude: strings('exclude'),
      };
    case 'publisher-drift':
      return {
        ...base,
        check: 'publisher-drift',
        drift: (r.drift as ('unattested' | 'publisher-changed')[] | undefined) ?? [
          'unattested',
          'publisher-changed',
        ],
        ...severity(),
        exclude: strings('exclude'),
      };
    case 'ray':
      return {
        ...base,
        check: 'ray',
        ...severity(),
        ids: strings('ids'),
        exclude: strings('exclude'),
        affectedAdvisories: flag('affectedAdvisories', false),
        missing: handling('missing', 'warn'),
      };
    case 'approvals':
      return {
        ...base,
        check: 'approvals',
        count: r.count as number,
        roles: strings('roles'),
        separationOfDuties: flag('separationOfDuties', true),
      };
    default:
      throw new Error(`normalizeRule: unknown check ${String(r.check)} (the schema should have refused it)`);
  }
}

function selector(raw: unknown): ArtifactSelector {
  const r = (raw as Raw | undefined) ?? {};
  return {
    kinds: [...((r.kinds as ArtifactKind[] | undefined) ?? [])],
    names: [...((r.names as string[] | undefined) ?? [])],
  };
}

function identities(raw: unknown): IdentityRequirement[] {
  return ((raw as Raw[] | undefined) ?? []).map((r) => {
    const github = r.github as IdentityRequirement['github'] | undefined;
    return {
      ...(r.issuer !== undefined ? { issuer: r.issuer as string } : {}),
      ...(r.issuerPattern !== undefined ? { issuerPattern: r.issuerPattern as string } : {}),
      ...(r.san !== undefined ? { san: r.san as string } : {}),
      ...(r.sanPattern !== undefined ? { sanPattern: r.sanPattern as string } : {}),
      ...(github !== undefined ? { github: { ...github } } : {}),
    };
  });
}

function canonicalLicense(id: string): string {
  return currentLicenseId(spdxId(id) ?? id);
}
