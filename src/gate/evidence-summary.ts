import type { ReleaseEvidence } from '../policy/evidence.ts';

/**
 * Counts that describe a release's evidence at a glance (listings, the release page) without loading the
 * evidence document: per artifact its inventory size, findings by severity and attestations by outcome.
 */
export function summarizeEvidence(evidence: ReleaseEvidence): Record<string, unknown> {
  return {
    artifacts: evidence.artifacts.map((a) => {
      const severities: Record<string, number> = {};
      for (const f of a.vulnerabilities?.findings ?? [])
        severities[f.severity] = (severities[f.severity] ?? 0) + 1;
      return {
        name: a.name,
        kind: a.kind,
        digest: a.digest,
        sbom: a.sbom
          ? { origin: a.sbom.origin, packages: a.sbom.packages.length, digest: a.sbom.digest ?? null }
          : null,
        vulnerabilities: a.vulnerabilities
          ? {
              findings: a.vulnerabilities.findings.length,
              malicious: a.vulnerabilities.findings.filter((f) => f.malicious).length,
              bySeverity: severities,
              notAssessed: a.vulnerabilities.notAssessed.length,
              source: a.vulnerabilities.source,
            }
          : null,
        attestations: {
          verified: a.attestations.filter((x) => x.verification.status === 'verified').map((x) => x.kind),
          failed: a.attestations.filter((x) => x.verification.status === 'failed').length,
        },
      };
    }),
    lockFiles: evidence.lockFiles.map((l) => ({
      path: l.path,
      requirements: l.requirements.length,
      findings: l.findings.length,
      hashCoverage: l.hashCoverage,
    })),
    ray: evidence.ray ? { files: evidence.ray.files.length, findings: evidence.ray.findings.length } : null,
    approvals: evidence.approvals.length,
    exceptions: evidence.exceptions.map((e) => e.id),
  };
}
