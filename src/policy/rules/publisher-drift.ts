import { normalizePythonName } from '../../sbom/python/names.ts';
import { atLeast } from '../../shared/severity.ts';
import type { PublisherIdentity } from '../evidence.ts';
import type { PublisherDriftRule } from '../policy.ts';
import { plural, type Draft, type FamilyInput, type FamilyOutcome } from './draft.ts';

/**
 * A pinned release not published the way its project's earlier releases were: unattested, or attested by
 * another repository or workflow — the pattern of releases uploaded with stolen tokens.
 */
export function checkPublisherDrift({ rule, evidence }: FamilyInput<PublisherDriftRule>): FamilyOutcome {
  const exempt = new Set(rule.exclude.map(normalizePythonName));
  const drafts: Draft[] = [];
  for (const drift of evidence.publisherDrift) {
    if (!rule.drift.includes(drift.drift)) continue;
    if (rule.severity !== undefined && !atLeast(drift.severity, rule.severity)) continue;
    if (exempt.has(normalizePythonName(drift.name))) continue;
    const label = `${drift.ecosystem}/${drift.name}@${drift.version}`;
    const earlier = `${drift.comparedWith.join(', ') || 'earlier releases'} ${drift.comparedWith.length === 1 ? 'was' : 'were'} published by ${describePublisher(drift.previous)}`;
    drafts.push({
      kind: 'violation',
      code: drift.drift === 'unattested' ? 'DRIFT_UNATTESTED' : 'DRIFT_PUBLISHER_CHANGED',
      message:
        drift.drift === 'unattested'
          ? `${label} has no publish attestation, but ${earlier} [${drift.severity}].`
          : `${label} was published by ${drift.current ? describePublisher(drift.current) : 'an unknown publisher'}, but ${earlier} [${drift.severity}].`,
      subject: { package: label, field: 'publisher' },
    });
  }
  return { drafts, checked: plural(evidence.publisherDrift.length, 'drift finding') };
}

function describePublisher(p: PublisherIdentity): string {
  const parts = [p.repository, p.workflow, p.environment ? `environment ${p.environment}` : undefined].filter(
    Boolean,
  );
  return `${p.kind}${parts.length > 0 ? ` ${parts.join(' ')}` : ''}`;
}
