import type { RayStartFacts, SourceRef, StartFlag } from '../model.ts';
import type { Word } from './lexer.ts';

/**
 * `ray start` switches that take no value. Every other flag takes one, given as `--flag=value` or
 * `--flag value` (click accepts both). `ray start` has no positional arguments, so a word after a flag
 * that is not itself a flag is that flag's value.
 */
const SWITCHES = new Set([
  'head',
  'block',
  'disable-usage-stats',
  'ray-debugger-external',
  'verbose',
  'no-redirect-output',
  'no-monitor',
  'enable-resource-isolation',
  'enable-object-reconstruction',
]);

/**
 * KubeRay turns `rayStartParams` into flags: a value `true` becomes a bare switch, `false` drops the flag,
 * except for these flags, which take an explicit boolean (kuberay `common/pod.go`, `convertParamMap`).
 */
const KUBERAY_EXPLICIT_BOOLEANS = new Set(['log-color', 'include-dashboard', 'include-log-monitor']);

export function normalizeFlagName(name: string): string {
  return name.replace(/^-+/, '').toLowerCase().replace(/_/g, '-');
}

/** Reads the arguments after `ray start`. */
export function parseStartArgs(args: readonly Word[], at: SourceRef): RayStartFacts {
  const flags = new Map<string, StartFlag>();
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (!word.text.startsWith('--')) continue;
    const eq = word.text.indexOf('=');
    const flagAt = (flag: string): SourceRef => ({
      file: at.file,
      line: word.line,
      field: `ray start --${flag}`,
    });
    if (eq > 0) {
      const name = normalizeFlagName(word.text.slice(0, eq));
      flags.set(name, { name, value: word.text.slice(eq + 1), dynamic: word.dynamic, at: flagAt(name) });
      continue;
    }
    const name = normalizeFlagName(word.text);
    const next = args[i + 1];
    if (!SWITCHES.has(name) && next && !next.text.startsWith('-')) {
      flags.set(name, { name, value: next.text, dynamic: next.dynamic, at: flagAt(name) });
      i++;
    } else {
      flags.set(name, { name, value: true, dynamic: false, at: flagAt(name) });
    }
  }
  return { head: flags.has('head'), flags, at, origin: 'command' };
}

/** The flags KubeRay passes to `ray start` for a `rayStartParams` map, before its own defaults. */
export function flagsFromStartParams(
  params: Record<string, unknown>,
  lineOfKey: (key: string) => number | undefined,
  file: string,
  fieldPrefix: string,
): Map<string, StartFlag> {
  const flags = new Map<string, StartFlag>();
  for (const [rawKey, rawValue] of Object.entries(params)) {
    const name = normalizeFlagName(rawKey);
    const value = rawValue === null || rawValue === undefined ? '' : String(rawValue);
    const at: SourceRef = { file, line: lineOfKey(rawKey), field: `${fieldPrefix}.${rawKey}` };
    const lower = value.toLowerCase();
    if ((lower === 'true' || lower === 'false') && !KUBERAY_EXPLICIT_BOOLEANS.has(name)) {
      if (lower === 'true') flags.set(name, { name, value: true, dynamic: false, at });
      continue;
    }
    flags.set(name, { name, value, dynamic: /\$/.test(value), at });
  }
  return flags;
}

/** The flag's value as text (`true` for a bare switch), or undefined when absent. */
export function flagText(start: RayStartFacts | undefined, name: string): string | undefined {
  const flag = start?.flags.get(name);
  if (!flag) return undefined;
  return flag.value === true ? 'true' : flag.value;
}

/** True for a click boolean value Ray reads as false (`False`, `0`, `no`, …). */
export function isFalseValue(value: string | true | undefined): boolean {
  if (value === undefined || value === true) return false;
  return ['false', '0', 'no', 'off', 'f', 'n'].includes(value.trim().toLowerCase());
}
