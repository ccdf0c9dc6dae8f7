import type { ArtifactEvidence, AttestationEvidence, ReleaseEvidence } from '../evidence.ts';
import { anyGlob } from '../matchers.ts';
import type { ProvenanceRule } from '../policy.ts';
import { plural, type Draft, type FamilyInput, type FamilyOutcome } from './draft.ts';
import { describeSigner, githubUrl, matchIdentities } from './identity.ts';
import { nameOf } from './signatures.ts';
import { artifactSubject, describeArtifact, noArtifact, selectArtifacts } from './select.ts';

/**
 * Each selected artifact has a verified provenance that says it was built by an accepted builder, from an
 * accepted repository and ref, at the required SLSA level (and, when asked, from the release's own commit).
 */
export function checkProvenance({ rule, evidence }: FamilyInput<ProvenanceRule>): FamilyOutcome {
  const artifacts = selectArtifacts(evidence, rule.artifacts);
  const drafts: Draft[] = artifacts.length === 0 ? [noArtifact(rule.artifacts)] : [];
  for (const artifact of artifacts) drafts.push(...checkArtifact(rule, artifact, evidence));
  return { drafts, checked: plural(artifacts.length, 'artifact') };
}

function checkArtifact(rule: ProvenanceRule, artifact: ArtifactEvidence, evidence: ReleaseEvidence): Draft[] {
  const subject = artifactSubject(artifact);
  const candidates = artifact.attestations.filter((a) => rule.kinds.includes(a.kind));
  if (candidates.length === 0) {
    return [
      {
        kind: 'violation',
        code: 'PROVENANCE_MISSING',
        message: `${describeArtifact(artifact)} has no provenance (looked for: ${rule.kinds.join(', ')}).`,
        subject,
      },
    ];
  }
  const rejected: Draft[] = [];
  for (const candidate of candidates) {
    const problems = mismatches(rule, candidate, evidence);
    const named = { ...subject, attestation: nameOf(candidate) };
    if (problems.length === 0) {
      return [
        {
          kind: 'info',
          code: 'PROVENANCE_VERIFIED',
          message: `${describeArtifact(artifact)}: ${nameOf(candidate)} verified: ${describeBuild(candidate)}.`,
          subject: named,
        },
      ];
    }
    rejected.push({
      kind: 'violation',
      code: 'PROVENANCE_UNACCEPTED',
      message: `${describeArtifact(artifact)}: ${nameOf(candidate)} does not count: ${problems.join('; ')}.`,
      subject: { ...named, field: problems.length === 1 ? fieldOf(problems[0]!) : 'provenance' },
    });
  }
  return rejected;
}

function mismatches(
  rule: ProvenanceRule,
  candidate: AttestationEvidence,
  evidence: ReleaseEvidence,
): string[] {
  if (candidate.verification.status === 'failed') {
    return [
      `verification failed (${candidate.verification.code}): ${candidate.verification.message.replace(/\.$/, '')}`,
    ];
  }
  const out: string[] = [];
  const identity = matchIdentities(candidate.signer, rule.signers);
  if (!identity.matched) {
    out.push(
      `signed by ${describeSigner(candidate.signer)}, not an accepted signer (${identity.why.join('; ')})`,
    );
  }
  const p = candidate.provenance;
  if (!p) return [...out, 'it states no build facts (builder, source)'];
  if (rule.builders.length > 0 && !anyGlob(rule.builders, p.builderId)) {
    out.push(`builder.id is ${show(p.builderId)}, not one of ${rule.builders.join(', ')}`);
  }
  if (rule.buildTypes.length > 0 && !(p.buildType !== undefined && rule.buildTypes.includes(p.buildType))) {
    out.push(`buildType is ${show(p.buildType)}, not one of ${rule.buildTypes.join(', ')}`);
  }
  if (rule.sourceRepositories.length > 0) {
    const accepted = rule.sourceRepositories.map((r) => canonicalRepo(githubUrl(r)));
    if (!(p.sourceRepository !== undefined && accepted.includes(canonicalRepo(p.sourceRepository)))) {
      out.push(
        `source repository is ${show(p.sourceRepository)}, not one of ${rule.sourceRepositories.join(', ')}`,
      );
    }
  }
  if (rule.refs.length > 0 && !anyGlob(rule.refs, p.sourceRef)) {
    out.push(`source ref is ${show(p.sourceRef)}, not one matching ${rule.refs.join(', ')}`);
  }
  if (rule.minLevel !== undefined && (p.slsaLevel ?? 0) < rule.minLevel) {
    out.push(`SLSA build level is ${p.slsaLevel ?? 'unknown'}, below the required ${rule.minLevel}`);
  }
  if (rule.releaseCommit) {
    const commit = evidence.release.git?.commit;
    if (!commit) out.push('the release names no commit to compare the source commit with');
    else if (p.sourceCommit?.toLowerCase() !== commit.toLowerCase()) {
      out.push(`source commit is ${show(p.sourceCommit)}, not the release's commit ${commit}`);
    }
  }
  return out;
}

/** `https://GitHub.com/Acme/Repo.git` and `git+https://github.com/acme/repo` name the same repository. */
function canonicalRepo(url: string): string {
  return url
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

function describeBuild(candidate: AttestationEvidence): string {
  const p = candidate.provenance;
  if (!p) return `signed by ${describeSigner(candidate.signer)}`;
  const parts = [
    p.builderId ? `built by ${p.builderId}` : undefined,
    p.sourceRepository ? `from ${p.sourceRepository}${p.sourceRef ? `@${p.sourceRef}` : ''}` : undefined,
    p.slsaLevel !== undefined ? `SLSA build level ${p.slsaLevel}` : undefined,
  ].filter((x): x is string => x !== undefined);
  return parts.join(', ') || `signed by ${describeSigner(candidate.signer)}`;
}

function fieldOf(problem: string): string {
  if (problem.startsWith('builder.id')) return 'provenance.builderId';
  if (problem.startsWith('buildType')) return 'provenance.buildType';
  if (problem.startsWith('source repository')) return 'provenance.sourceRepository';
  if (problem.startsWith('source ref')) return 'provenance.sourceRef';
  if (problem.startsWith('SLSA')) return 'provenance.slsaLevel';
  if (problem.startsWith('source commit') || problem.startsWith('the release names'))
    return 'provenance.sourceCommit';
  if (problem.startsWith('signed by')) return 'signer';
  return 'verification';
}

function show(value: string | undefined): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}
