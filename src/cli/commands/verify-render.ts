import type { DistributionCoverage } from '../../attest/coverage/coverage.ts';
import type { EvidenceResult } from '../../attest/evidence/evidence-result.ts';
import type { ArtifactVerdict } from '../../attest/evidence/judge.ts';
import { describePublisher } from '../../attest/pep740/publisher.ts';
import { renderTable } from '../table.ts';
import type { VerifyReport } from './verify-run.ts';

function origin(e: EvidenceResult): string {
  switch (e.origin.kind) {
    case 'pypi-integrity':
      return 'pypi integrity api';
    case 'file':
      return `file ${e.origin.path}`;
    case 'oci':
      return `${e.origin.via} ${e.origin.location.replace(/.*@/, '@').slice(0, 20)}`;
    case 'github-attestations':
      return 'github attestations api';
  }
}

function status(e: EvidenceResult): string {
  if (e.status === 'verified') return 'verified';
  return `${e.status}: ${e.error?.code ?? ''}`.trim();
}

function signer(e: EvidenceResult): string {
  if (e.signer?.keyHint !== undefined && !e.signer.identity) return `key ${e.signer.keyHint}`.trim();
  const who = e.signer?.identity ?? '';
  return who + (e.publisher ? ` (publisher ${describePublisher(e.publisher)})` : '');
}

function source(e: EvidenceResult): string {
  const repo = e.provenance?.sourceRepository ?? e.signer?.sourceRepository;
  const ref = e.provenance?.sourceRef ?? e.signer?.sourceRef;
  return repo ? `${repo}${ref ? `@${ref}` : ''}` : '';
}

function renderArtifact(verdict: ArtifactVerdict): string {
  const lines = [
    `${verdict.artifact.name}  sha256:${verdict.artifact.sha256}  ${verdict.artifact.kind}  ${verdict.verdict.toUpperCase()}${verdict.slsaLevel > 0 ? `  SLSA build L${verdict.slsaLevel}` : ''}`,
  ];
  if (verdict.evidence.length > 0) {
    lines.push(
      renderTable(
        ['EVIDENCE', 'KIND', 'STATUS', 'SIGNER', 'SOURCE', 'BUILDER', 'SLSA'],
        verdict.evidence.map((e) => [
          origin(e),
          e.kind,
          status(e),
          signer(e),
          source(e),
          e.provenance?.builderId ?? '',
          e.slsaLevel ? `L${e.slsaLevel.level}` : '',
        ]),
      ).trimEnd(),
    );
    for (const e of verdict.evidence) {
      if (e.status !== 'verified' && e.error) lines.push(`  ${e.id}: ${e.error.message}`);
      for (const objection of e.objections)
        if (objection !== e.error?.message) lines.push(`  ${e.id}: ${objection}`);
    }
  }
  for (const reason of verdict.reasons) lines.push(`  ${verdict.verdict}: ${reason}`);
  for (const problem of verdict.problems) lines.push(`  problem: ${problem.code}: ${problem.message}`);
  return lines.join('\n');
}

function renderCoverage(coverage: readonly DistributionCoverage[]): string {
  const rows = coverage.map((c) => [
    c.name,
    c.version,
    c.status,
    `${c.files.filter((f) => f.status === 'verified').length}/${c.files.length}`,
    c.publishers.map(describePublisher).join('; '),
    c.drift === undefined ? '' : c.drift === 'not-checked' ? 'not checked' : `DRIFT: ${c.drift.kind}`,
  ]);
  const count = (s: string) => coverage.filter((c) => c.status === s).length;
  const summary =
    `distributions ${coverage.length}: ${count('verified')} attested and verified, ${count('partial')} partly attested, ` +
    `${count('failing')} attested but failing, ${count('unattested')} not attested, ${count('not-checked')} not checked; ` +
    `${coverage.filter((c) => typeof c.drift === 'object').length} with publisher drift`;
  const details = coverage.flatMap((c) => [
    ...(typeof c.drift === 'object' ? [`  ${c.name}: ${c.drift.message}`] : []),
    ...c.files
      .filter((f) => f.status === 'failing')
      .map((f) => `  ${c.name} ${f.filename}: ${f.reason ?? 'failing'}`),
    ...(c.reason ? [`  ${c.name}: ${c.reason}`] : []),
  ]);
  return [
    renderTable(['DISTRIBUTION', 'VERSION', 'ATTESTATIONS', 'FILES', 'PUBLISHER', 'DRIFT'], rows).trimEnd(),
    ...details,
    summary,
  ].join('\n');
}

export function renderVerifyReport(report: VerifyReport): string {
  const parts = report.artifacts.map(renderArtifact);
  if (report.coverage) parts.push(renderCoverage(report.coverage));
  return `${parts.join('\n\n')}\n`;
}
