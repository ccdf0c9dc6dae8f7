import { parse as parseYaml } from 'yaml';
import { normalizePythonName } from '../sbom/python/names.ts';
import { RaygateError } from '../shared/errors.ts';
import { parsePurl, type PurlParts } from '../shared/purl.ts';
import type { Finding, IgnoredFinding } from './finding.ts';

/**
 * `.raygate-ignore.yaml`: decisions to accept a vulnerability for a while, each with a reason and an
 * expiry date, optionally scoped to one package (a purl; with a version, to that version only):
 *
 *   ignore:
 *     - id: CVE-2023-48022
 *       reason: Dashboard and Jobs API are not exposed; token auth is on.
 *       expires: 2026-12-31
 *       purl: pkg:pypi/ray
 *
 * An ignored finding is still reported, as ignored. A rule past its expiry ignores nothing and fails the
 * scan, so an acceptance cannot outlive its review date silently.
 */
export interface IgnoreRule {
  id: string;
  reason: string;
  /** As written (`2026-12-31` or a full timestamp). */
  expires: string;
  /** First instant the rule no longer applies. */
  expiresAt: Date;
  purl?: string;
  scope?: PurlParts;
}

export const MAX_IGNORE_RULES = 10_000;

export function parseIgnoreFile(text: string, fileName: string): IgnoreRule[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw invalid(fileName, `not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return [];
  const list = (doc as { ignore?: unknown }).ignore;
  if (typeof doc !== 'object' || Array.isArray(doc) || !Array.isArray(list)) {
    throw invalid(fileName, "expected a mapping with an 'ignore' list");
  }
  if (list.length > MAX_IGNORE_RULES) throw invalid(fileName, `more than ${MAX_IGNORE_RULES} rules`);
  return list.map((entry, i) => toRule(entry, `${fileName}: ignore[${i}]`));
}

function toRule(entry: unknown, where: string): IgnoreRule {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry))
    throw invalid(where, 'each rule is a mapping');
  const e = entry as Record<string, unknown>;
  const unknown = Object.keys(e).filter((k) => !['id', 'reason', 'expires', 'purl'].includes(k));
  if (unknown.length > 0) throw invalid(where, `unknown field(s) ${unknown.join(', ')}`);
  const id = text(e.id);
  const reason = text(e.reason);
  const expires = e.expires instanceof Date ? e.expires.toISOString().slice(0, 10) : text(e.expires);
  if (!id) throw invalid(where, "'id' is required (an advisory id or alias, e.g. CVE-2023-48022)");
  if (!reason) throw invalid(where, "'reason' is required: say why the risk is accepted");
  if (!expires)
    throw invalid(where, "'expires' is required (YYYY-MM-DD): acceptances are reviewed, not forever");
  const expiresAt = expiryOf(expires);
  if (!expiresAt)
    throw invalid(where, `'expires' must be YYYY-MM-DD or an ISO 8601 timestamp, not '${expires}'`);
  const rule: IgnoreRule = { id, reason, expires, expiresAt };
  if (e.purl !== undefined) {
    const purl = text(e.purl);
    const scope = purl ? parsePurl(purl) : undefined;
    if (!purl || !scope) throw invalid(where, `'purl' must be a package URL, not '${String(e.purl)}'`);
    rule.purl = purl;
    rule.scope = scope;
  }
  return rule;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A date means "through the end of that day, UTC". */
function expiryOf(value: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(start) ? undefined : new Date(start + 24 * 3600 * 1000);
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function invalid(where: string, message: string): RaygateError {
  return new RaygateError('IGNORE_FILE_INVALID', 'input', `${where}: ${message}.`);
}

export interface IgnoreOutcome {
  findings: Finding[];
  ignored: IgnoredFinding[];
  /** Rules past their expiry date: they fail the scan. */
  expired: IgnoreRule[];
  /** Rules that matched nothing in this scan (stale or for another target). */
  unused: IgnoreRule[];
}

export function applyIgnores(
  findings: readonly Finding[],
  rules: readonly IgnoreRule[],
  now: Date,
): IgnoreOutcome {
  const expired = rules.filter((r) => r.expiresAt.getTime() <= now.getTime());
  const active = rules.filter((r) => r.expiresAt.getTime() > now.getTime());
  const used = new Set<IgnoreRule>();
  const kept: Finding[] = [];
  const ignored: IgnoredFinding[] = [];
  for (const finding of findings) {
    const rule = active.find((r) => ruleMatches(r, finding));
    if (!rule) {
      kept.push(finding);
      continue;
    }
    used.add(rule);
    ignored.push({
      finding,
      rule: {
        id: rule.id,
        reason: rule.reason,
        expires: rule.expires,
        ...(rule.purl ? { purl: rule.purl } : {}),
      },
    });
  }
  return { findings: kept, ignored, expired, unused: active.filter((r) => !used.has(r)) };
}

function ruleMatches(rule: IgnoreRule, finding: Finding): boolean {
  const id = rule.id.toUpperCase();
  const ids = [finding.id, ...finding.advisories, ...finding.aliases].map((x) => x.toUpperCase());
  if (!ids.includes(id)) return false;
  return rule.scope ? scopeMatches(rule.scope, finding) : true;
}

function scopeMatches(scope: PurlParts, finding: Finding): boolean {
  const norm = (type: string, name: string) =>
    type === 'pypi' ? normalizePythonName(name) : name.toLowerCase();
  // A pypi scope also covers the same distribution installed by conda (matched under its PyPI identity).
  const query = finding.package.query;
  if (
    scope.type === 'pypi' &&
    query.ecosystems[0] === 'PyPI' &&
    norm('pypi', scope.name) === query.name &&
    (scope.version === undefined || scope.version === query.version)
  ) {
    return true;
  }
  const own = finding.package.purl ? parsePurl(finding.package.purl) : undefined;
  if (!own) return false;
  if (own.type !== scope.type) return false;
  if ((own.namespace ?? '').toLowerCase() !== (scope.namespace ?? '').toLowerCase()) return false;
  if (norm(own.type, own.name) !== norm(scope.type, scope.name)) return false;
  return scope.version === undefined || scope.version === own.version;
}
