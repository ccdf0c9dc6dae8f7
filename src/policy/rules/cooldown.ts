import { normalizePythonName } from '../../sbom/python/names.ts';
import type { CooldownRule } from '../policy.ts';
import { handled, plural, type Draft, type FamilyInput, type FamilyOutcome } from './draft.ts';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Every pinned dependency was uploaded to its index at least `days` days before `now`: most malicious
 * releases are found and removed within days, so a cooldown keeps them out of builds.
 */
export function checkCooldown({ rule, evidence, now }: FamilyInput<CooldownRule>): FamilyOutcome {
  const exempt = new Set(rule.exclude.map(normalizePythonName));
  const drafts: Draft[] = [];
  let judged = 0;
  for (const dep of evidence.dependencies) {
    if (exempt.has(normalizePythonName(dep.name))) continue;
    judged++;
    const label = `${dep.ecosystem}/${dep.name}@${dep.version}`;
    const subject = {
      package: label,
      field: 'uploadedAt',
      ...(dep.lockFiles[0] ? { file: dep.lockFiles[0] } : {}),
    };
    const uploaded = dep.uploadedAt === undefined ? NaN : Date.parse(dep.uploadedAt);
    if (Number.isNaN(uploaded)) {
      drafts.push(
        ...handled(rule.unknown, {
          code: 'COOLDOWN_UNKNOWN',
          message: `The upload time of ${label} is unknown${dep.unknownReason ? ` (${dep.unknownReason})` : ''}: its age cannot be checked.`,
          subject,
        }),
      );
      continue;
    }
    const age = now.getTime() - uploaded;
    if (age >= rule.days * DAY_MS) continue;
    drafts.push({
      kind: 'violation',
      code: 'COOLDOWN',
      message: `${label} was uploaded ${new Date(uploaded).toISOString()}${dep.index ? ` to ${dep.index}` : ''}, ${describeAge(age)}; the policy requires ${plural(rule.days, 'day')}${dep.lockFiles.length > 0 ? ` (pinned in ${dep.lockFiles.join(', ')})` : ''}.`,
      subject,
    });
  }
  return { drafts, checked: plural(judged, 'pinned dependency', 'pinned dependencies') };
}

function describeAge(ms: number): string {
  if (ms < 0) return 'after the time of the decision';
  const days = ms / DAY_MS;
  return `${days >= 1 ? `${days.toFixed(1)} days` : `${(ms / 3600_000).toFixed(1)} hours`} before the decision`;
}
