import { satisfies, valid } from '@renovatebot/pep440';
import { normalizeExtra } from './names.ts';

/** A parsed PEP 508 environment marker. */
export type Marker =
  | { op: 'and' | 'or'; left: Marker; right: Marker }
  | { op: 'compare'; left: MarkerValue; comparator: MarkerComparator; right: MarkerValue };

export type MarkerValue = { variable: string } | { literal: string };

export type MarkerComparator = '<' | '<=' | '==' | '!=' | '>=' | '>' | '~=' | '===' | 'in' | 'not in';

export const MARKER_VARIABLES = new Set([
  'python_version',
  'python_full_version',
  'os_name',
  'sys_platform',
  'platform_release',
  'platform_system',
  'platform_version',
  'platform_machine',
  'platform_python_implementation',
  'implementation_name',
  'implementation_version',
  'extra',
  // PEP 751 (pylock.toml) adds these two set-valued variables.
  'extras',
  'dependency_groups',
  // Legacy spellings that setuptools-era metadata still carries.
  'os.name',
  'sys.platform',
  'platform.version',
  'platform.machine',
  'platform.python_implementation',
  'python_implementation',
]);

const LEGACY: Record<string, string> = {
  'os.name': 'os_name',
  'sys.platform': 'sys_platform',
  'platform.version': 'platform_version',
  'platform.machine': 'platform_machine',
  'platform.python_implementation': 'platform_python_implementation',
  python_implementation: 'platform_python_implementation',
};

export class MarkerSyntaxError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.name = 'MarkerSyntaxError';
    this.position = position;
  }
}

type Token =
  | { type: 'var'; value: string; at: number }
  | { type: 'str'; value: string; at: number }
  | { type: 'op'; value: MarkerComparator; at: number }
  | { type: 'and' | 'or' | '(' | ')'; at: number };

/**
 * Real markers have a handful of clauses; a bound on their length keeps the recursive parser and evaluator
 * far from the stack limit whatever a hostile file contains.
 */
export const MAX_MARKER_TOKENS = 2000;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    if (tokens.length > MAX_MARKER_TOKENS) {
      throw new MarkerSyntaxError(`marker longer than ${MAX_MARKER_TOKENS} tokens`, i);
    }
    const c = input[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c, at: i });
      i++;
    } else if (c === "'" || c === '"') {
      const end = input.indexOf(c, i + 1);
      if (end < 0) throw new MarkerSyntaxError('unterminated string', i);
      tokens.push({ type: 'str', value: input.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (/[<>=!~]/.test(c)) {
      const m = /^(===|==|!=|<=|>=|~=|<|>)/.exec(input.slice(i));
      if (!m) throw new MarkerSyntaxError(`unexpected '${c}'`, i);
      tokens.push({ type: 'op', value: m[1] as MarkerComparator, at: i });
      i += m[1]!.length;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(input.slice(i));
      if (!m) throw new MarkerSyntaxError(`unexpected '${c}'`, i);
      const word = m[0];
      if (word === 'and' || word === 'or') tokens.push({ type: word, at: i });
      else if (word === 'in') tokens.push({ type: 'op', value: 'in', at: i });
      else if (word === 'not') {
        const rest = /^not\s+in\b/.exec(input.slice(i));
        if (!rest) throw new MarkerSyntaxError("'not' must be followed by 'in'", i);
        tokens.push({ type: 'op', value: 'not in', at: i });
        i += rest[0].length;
        continue;
      } else if (MARKER_VARIABLES.has(word)) tokens.push({ type: 'var', value: LEGACY[word] ?? word, at: i });
      else throw new MarkerSyntaxError(`unknown marker variable '${word}'`, i);
      i += word.length;
    }
  }
  return tokens;
}

/** Parses a PEP 508 marker expression (`python_version < "3.12" and extra == "data"`). */
export function parseMarker(input: string): Marker {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (message: string): never => {
    throw new MarkerSyntaxError(message, peek()?.at ?? input.length);
  };

  const value = (): MarkerValue => {
    const t = tokens[pos++];
    if (t?.type === 'var') return { variable: t.value };
    if (t?.type === 'str') return { literal: t.value };
    return fail('expected a marker variable or a quoted string');
  };
  const atom = (): Marker => {
    if (peek()?.type === '(') {
      pos++;
      const inner = or();
      if (peek()?.type !== ')') fail("expected ')'");
      pos++;
      return inner;
    }
    const left = value();
    const t = tokens[pos++];
    if (t?.type !== 'op') return fail('expected a comparison operator');
    const right = value();
    return { op: 'compare', left, comparator: t.value, right };
  };
  const and = (): Marker => {
    let left = atom();
    while (peek()?.type === 'and') {
      pos++;
      left = { op: 'and', left, right: atom() };
    }
    return left;
  };
  const or = (): Marker => {
    let left = and();
    while (peek()?.type === 'or') {
      pos++;
      left = { op: 'or', left, right: and() };
    }
    return left;
  };

  if (tokens.length === 0) fail('empty marker');
  const marker = or();
  if (pos !== tokens.length) fail('unexpected text after the marker');
  return marker;
}

/**
 * Values for marker variables. A variable that is missing is unknown, and a comparison with an unknown
 * value is unknown: the evaluation is three-valued, so a scan that cannot tell the platform does not
 * pretend to know. `extras` and `dependency_groups` are sets (PEP 751).
 */
export interface MarkerEnvironment {
  values: Partial<Record<string, string>>;
  extras?: ReadonlySet<string>;
  dependencyGroups?: ReadonlySet<string>;
}

/** True, false, or undefined when the answer depends on a value the environment does not give. */
export function evaluateMarker(marker: Marker, env: MarkerEnvironment): boolean | undefined {
  if (marker.op === 'compare') return compare(marker, env);
  if (marker.op === 'and') {
    const l = evaluateMarker(marker.left, env);
    if (l === false) return false;
    const r = evaluateMarker(marker.right, env);
    if (r === false) return false;
    return l === true && r === true ? true : undefined;
  }
  const l = evaluateMarker(marker.left, env);
  if (l === true) return true;
  const r = evaluateMarker(marker.right, env);
  if (r === true) return true;
  return l === false && r === false ? false : undefined;
}

function compare(marker: Extract<Marker, { op: 'compare' }>, env: MarkerEnvironment): boolean | undefined {
  const { left, right, comparator } = marker;
  const setVar = (v: MarkerValue) =>
    'variable' in v && (v.variable === 'extras' || v.variable === 'dependency_groups')
      ? v.variable
      : undefined;
  const setName = setVar(right) ?? setVar(left);
  if (setName) {
    const set = setName === 'extras' ? env.extras : env.dependencyGroups;
    const other = setVar(right) ? left : right;
    if (!set || !('literal' in other)) return undefined;
    const member = set.has(normalizeExtra(other.literal));
    if (comparator === 'in') return member;
    if (comparator === 'not in') return !member;
    return undefined;
  }
  const isExtra =
    ('variable' in left && left.variable === 'extra') || ('variable' in right && right.variable === 'extra');
  if (isExtra) {
    // `extra` is only defined while evaluating one requested extra; `env.extras` lists the ones to try.
    const lit = 'literal' in left ? left.literal : 'literal' in right ? right.literal : undefined;
    if (lit === undefined || !env.extras) return undefined;
    const member = env.extras.has(normalizeExtra(lit));
    if (comparator === '==') return member;
    if (comparator === '!=') return !member;
    return undefined;
  }
  const l = resolve(left, env);
  const r = resolve(right, env);
  if (l === undefined || r === undefined) return undefined;
  switch (comparator) {
    case 'in':
      return r.includes(l);
    case 'not in':
      return !r.includes(l);
    case '===':
      return l === r;
  }
  if (valid(l) && valid(r)) {
    return satisfies(l, `${comparator}${r}`);
  }
  // Non-version operands: PEP 508 falls back to string comparison for == and !=; other operators on
  // strings are errors in `packaging`, treated here as unknown rather than a guess.
  if (comparator === '==') return l === r;
  if (comparator === '!=') return l !== r;
  return undefined;
}

function resolve(value: MarkerValue, env: MarkerEnvironment): string | undefined {
  return 'literal' in value ? value.literal : env.values[value.variable];
}

/** The marker variables a PEP 508 marker mentions, e.g. to tell whether it depends on an extra. */
export function markerVariables(marker: Marker): Set<string> {
  const out = new Set<string>();
  const visit = (m: Marker) => {
    if (m.op === 'compare') {
      for (const v of [m.left, m.right]) if ('variable' in v) out.add(v.variable);
    } else {
      visit(m.left);
      visit(m.right);
    }
  };
  visit(marker);
  return out;
}

/** The extras a marker names in `extra == "x"` comparisons. */
export function markerExtras(marker: Marker): Set<string> {
  const out = new Set<string>();
  const visit = (m: Marker) => {
    if (m.op !== 'compare') {
      visit(m.left);
      visit(m.right);
      return;
    }
    const isExtra = (v: MarkerValue) => 'variable' in v && v.variable === 'extra';
    if (isExtra(m.left) && 'literal' in m.right) out.add(normalizeExtra(m.right.literal));
    if (isExtra(m.right) && 'literal' in m.left) out.add(normalizeExtra(m.left.literal));
  };
  visit(marker);
  return out;
}
