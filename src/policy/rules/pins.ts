import { atLeast } from '../../shared/severity.ts';
import type { LockFileEvidence, PinFindingEvidence } from '../evidence.ts';
import { anyGlob } from '../matchers.ts';
import type { PinsRule } from '../policy.ts';
import { handled, plural, type Draft, type FamilyInput, type FamilyOutcome } from './draft.ts';

/** How the release's lock files pin what they install: exact versions, hashes, and `raygate pins` findings. */
export function checkPins({ rule, evidence }: FamilyInput<PinsRule>): FamilyOutcome {
  const files = evidence.lockFiles.filter((f) => anyGlob(rule.files, f.path));
  const drafts: Draft[] = [];
  if (files.length === 0) {
    drafts.push(
      ...handled(rule.missing, {
        code: 'PINS_NO_LOCK_FILE',
        message: `The release has no lock file${rule.files.length > 0 ? ` matching ${rule.files.join(', ')}` : ''}.`,
        subject: {},
      }),
    );
  }
  let requirements = 0;
  for (const file of files) {
    requirements += file.requirements.length;
    drafts.push(...checkFile(rule, file));
  }
  return { drafts, checked: `${plural(files.length, 'lock file')}, ${plural(requirements, 'requirement')}` };
}

function checkFile(rule: PinsRule, file: LockFileEvidence): Draft[] {
  const drafts: Draft[] = [];
  if (file.unreadable) {
    drafts.push({
      kind: 'violation',
      code: 'PINS_UNREADABLE',
      message: `${file.path} could not be analysed: ${file.unreadable.message} (${file.unreadable.code}).`,
      subject: { file: file.path },
    });
  }
  for (const r of file.requirements) {
    const at = `${r.location.path}${r.location.line !== undefined ? `:${r.location.line}` : ''}`;
    const subject = {
      package: `pypi/${r.name}${r.version ? `@${r.version}` : ''}`,
      file: r.location.path,
      ...(r.location.line !== undefined ? { line: r.location.line } : {}),
    };
    if (rule.exact && r.pin !== 'exact' && !r.pinnedByConstraint) {
      drafts.push({
        kind: 'violation',
        code: 'PINS_NOT_EXACT',
        message: `${r.name} (${at}) is ${describePin(r.pin, r.specifier)}; the policy requires one exact version.`,
        subject: { ...subject, field: 'pin' },
      });
    }
    if (rule.hashes && r.hashable && r.hashes === 0) {
      drafts.push({
        kind: 'violation',
        code: 'PINS_NO_HASH',
        message: `${r.name} (${at}) has no hash; the policy requires a hash for every requirement.`,
        subject: { ...subject, field: 'hashes' },
      });
    }
  }
  for (const finding of file.findings) {
    if (!selected(rule, finding)) continue;
    const at = finding.location
      ? ` (${finding.location.path}${finding.location.line !== undefined ? `:${finding.location.line}` : ''})`
      : ` (${file.path})`;
    drafts.push({
      kind: 'violation',
      code: 'PINS_FINDING',
      message: `${finding.ruleId} ${finding.rule} [${finding.severity}]${at}: ${finding.message}`,
      subject: {
        finding: finding.ruleId,
        file: finding.location?.path ?? file.path,
        ...(finding.location?.line !== undefined ? { line: finding.location.line } : {}),
        ...(finding.package ? { package: `pypi/${finding.package}` } : {}),
        ...(finding.subject ? { field: finding.subject } : {}),
      },
    });
  }
  return drafts;
}

function selected(rule: PinsRule, finding: PinFindingEvidence): boolean {
  const { severity, ids, exclude } = rule.findings;
  if (exclude.includes(finding.ruleId)) return false;
  return ids.includes(finding.ruleId) || (severity !== undefined && atLeast(finding.severity, severity));
}

function describePin(pin: string, specifier: string): string {
  switch (pin) {
    case 'range':
      return `a range (${specifier})`;
    case 'unpinned':
      return 'not pinned';
    case 'url':
      return 'installed from a URL';
    case 'vcs':
      return 'installed from a VCS checkout';
    case 'path':
      return 'installed from a local path';
    default:
      return pin;
  }
}
