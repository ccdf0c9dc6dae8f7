import { explain, satisfies, validRange } from '@renovatebot/pep440';

/**
 * Whether a version satisfies a poetry constraint (`^1.2`, `~1.2.3`, `>=1,<2`, `1.2.*`, `>=1 || <0.5`),
 * by rewriting it into PEP 440 specifiers. Only used to tell apart two locked versions of one name, so a
 * constraint it cannot read answers `undefined` and the caller keeps every candidate.
 */
export function poetrySatisfies(version: string, constraint: string): boolean | undefined {
  const alternatives = constraint.split(/\|\|?/).map((a) => a.trim());
  let unknown = false;
  for (const alternative of alternatives) {
    const specifier = toPep440(alternative);
    if (specifier === undefined || (specifier !== '' && !validRange(specifier))) {
      unknown = true;
      continue;
    }
    if (specifier === '' || satisfies(version, specifier)) return true;
  }
  return unknown ? undefined : false;
}

function toPep440(constraint: string): string | undefined {
  if (constraint === '' || constraint === '*') return '';
  const parts = constraint
    .split(/\s*,\s*|\s+(?=[<>=!~^])/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const out: string[] = [];
  for (const part of parts) {
    const converted = convertClause(part);
    if (converted === undefined) return undefined;
    out.push(...converted);
  }
  return out.join(',');
}

function convertClause(clause: string): string[] | undefined {
  if (clause === '*') return [];
  const m = /^(\^|~=|~|===|==|!=|>=|<=|>|<|=)?\s*(\S+)$/.exec(clause);
  if (!m) return undefined;
  const op = m[1] ?? '';
  const version = m[2]!;
  if (op === '^' || op === '~') {
    const release = explain(version)?.release;
    if (!release) return undefined;
    return [`>=${version}`, `<${op === '^' ? caretUpper(release) : tildeUpper(release)}`];
  }
  if (op === '' || op === '=') return [`==${version}`];
  return [`${op}${version}`];
}

/** `^1.2.3` < 2.0.0; `^0.2.3` < 0.3.0; `^0.0.3` < 0.0.4 — the first non-zero part is bumped. */
function caretUpper(release: readonly number[]): string {
  const index = release.findIndex((n) => n !== 0);
  const at = index < 0 ? release.length - 1 : index;
  return bump(release, at);
}

/** `~1.2.3` < 1.3.0; `~1.2` < 1.3; `~1` < 2. */
function tildeUpper(release: readonly number[]): string {
  return bump(release, release.length === 1 ? 0 : 1);
}

function bump(release: readonly number[], at: number): string {
  const parts = release.slice(0, at + 1).map((n, i) => (i === at ? n + 1 : n));
  return parts.join('.');
}
