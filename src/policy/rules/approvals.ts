import type { ApprovalsRule } from '../policy.ts';
import { plural, type Draft, type FamilyInput, type FamilyOutcome } from './draft.ts';

/**
 * Distinct approvers, required roles and separation of duties. Missing approvals are `pending` (the
 * decision waits for people), never a failure of the release itself. Exceptions never cover this rule.
 */
export function checkApprovals({ rule, evidence }: FamilyInput<ApprovalsRule>): FamilyOutcome {
  const drafts: Draft[] = [];
  const submitter = evidence.release.submittedBy;
  if (rule.separationOfDuties && submitter === undefined && evidence.approvals.length > 0) {
    drafts.push({
      kind: 'fail',
      code: 'APPROVAL_SUBMITTER_UNKNOWN',
      message: 'The release does not name its submitter, so separation of duties cannot be checked.',
      subject: { field: 'release.submittedBy' },
    });
  }
  const counted = new Map<string, { roles: Set<string>; at: string }>();
  for (const approval of [...evidence.approvals].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))) {
    if (rule.separationOfDuties && submitter !== undefined && approval.actor === submitter) {
      drafts.push({
        kind: 'info',
        code: 'APPROVAL_BY_SUBMITTER',
        message: `The approval by ${approval.actor} does not count: ${approval.actor} submitted the release.`,
        subject: { actor: approval.actor },
      });
      continue;
    }
    const seen = counted.get(approval.actor);
    if (seen) {
      for (const role of approval.roles) seen.roles.add(role);
      continue;
    }
    counted.set(approval.actor, { roles: new Set(approval.roles), at: approval.at });
  }
  for (const [actor, { roles, at }] of counted) {
    drafts.push({
      kind: 'info',
      code: 'APPROVED',
      message: `Approved by ${actor}${roles.size > 0 ? ` (${[...roles].sort().join(', ')})` : ''} at ${at}.`,
      subject: { actor },
    });
  }
  if (counted.size < rule.count) {
    const missing = rule.count - counted.size;
    drafts.push({
      kind: 'pending',
      code: 'APPROVALS_MISSING',
      message: `${counted.size} of ${plural(rule.count, 'distinct approval')}: ${plural(missing, 'more approver')} needed${rule.separationOfDuties ? ' (not the submitter)' : ''}.`,
      subject: {},
    });
  }
  for (const role of rule.roles) {
    if ([...counted.values()].some((a) => a.roles.has(role))) continue;
    drafts.push({
      kind: 'pending',
      code: 'APPROVAL_ROLE_MISSING',
      message: `No approval yet from someone with the role '${role}'.`,
      subject: { field: `role:${role}` },
    });
  }
  return { drafts, checked: `${counted.size} of ${plural(rule.count, 'approval')}` };
}
