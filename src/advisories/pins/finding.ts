import type { PinFinding } from './report.ts';
import type { PinRule } from './rules.ts';

/** A finding of `rule`, with the rule's severity unless `extra.severity` rates it otherwise. */
export function finding(
  rule: PinRule,
  message: string,
  extra: Partial<Omit<PinFinding, 'ruleId' | 'rule' | 'message' | 'fix'>> = {},
): PinFinding {
  return {
    ruleId: rule.id,
    rule: rule.name,
    severity: extra.severity ?? rule.severity,
    message,
    fix: rule.fix,
    ...(extra.location ? { location: extra.location } : {}),
    ...(extra.package ? { package: extra.package } : {}),
    ...(extra.subject ? { subject: extra.subject } : {}),
  };
}

/** Transports with neither encryption nor server authentication, after a `git+`-style VCS prefix. */
const PLAIN_TRANSPORT = /^(?:[a-z]+\+)?(?:http|git|svn|ftp|static-http):\/\//i;

export function isPlainTransport(url: string): boolean {
  return PLAIN_TRANSPORT.test(url);
}
