/**
 * The options pip accepts inside a requirements file, and an option parser that behaves like the optparse
 * parser pip builds for each line: long options may be abbreviated to any unique prefix, `--opt=value` and
 * `--opt value` are the same, a short option takes its value glued (`-rbase.txt`) or as the next word,
 * words that are not options are dropped, `--` ends the options.
 */

export type OptionKey =
  | 'index-url'
  | 'extra-index-url'
  | 'no-index'
  | 'find-links'
  | 'trusted-host'
  | 'index-strategy'
  | 'requirement'
  | 'constraint'
  | 'editable'
  | 'no-binary'
  | 'only-binary'
  | 'prefer-binary'
  | 'require-hashes'
  | 'pre'
  | 'use-feature'
  | 'global-option'
  | 'hash'
  | 'config-settings';

interface OptionSpec {
  key: OptionKey;
  long: string[];
  short?: string;
  takesValue: boolean;
}

/** pip's SUPPORTED_OPTIONS, SUPPORTED_OPTIONS_REQ, and uv's `--index-strategy` (which pip does not know). */
const SPECS: readonly OptionSpec[] = [
  { key: 'index-url', long: ['--index-url', '--pypi-url'], short: 'i', takesValue: true },
  { key: 'extra-index-url', long: ['--extra-index-url'], takesValue: true },
  { key: 'no-index', long: ['--no-index'], takesValue: false },
  { key: 'constraint', long: ['--constraint'], short: 'c', takesValue: true },
  { key: 'requirement', long: ['--requirement'], short: 'r', takesValue: true },
  { key: 'editable', long: ['--editable'], short: 'e', takesValue: true },
  { key: 'find-links', long: ['--find-links'], short: 'f', takesValue: true },
  { key: 'no-binary', long: ['--no-binary'], takesValue: true },
  { key: 'only-binary', long: ['--only-binary'], takesValue: true },
  { key: 'prefer-binary', long: ['--prefer-binary'], takesValue: false },
  { key: 'require-hashes', long: ['--require-hashes'], takesValue: false },
  { key: 'pre', long: ['--pre'], takesValue: false },
  { key: 'trusted-host', long: ['--trusted-host'], takesValue: true },
  { key: 'use-feature', long: ['--use-feature'], takesValue: true },
  { key: 'global-option', long: ['--global-option'], takesValue: true },
  { key: 'hash', long: ['--hash'], takesValue: true },
  { key: 'config-settings', long: ['--config-settings'], short: 'C', takesValue: true },
  { key: 'index-strategy', long: ['--index-strategy'], takesValue: true },
];

const LONG = new Map<string, OptionSpec>(SPECS.flatMap((s) => s.long.map((l) => [l, s] as const)));
const SHORT = new Map<string, OptionSpec>(SPECS.filter((s) => s.short).map((s) => [s.short!, s] as const));

/** The long name pip documents for an option (`--index-url` for `-i`). */
export function longNameOf(key: OptionKey): string {
  return SPECS.find((s) => s.key === key)!.long[0]!;
}

export interface ParsedOption {
  key: OptionKey;
  value?: string;
}

export interface ParsedOptions {
  options: ParsedOption[];
  /** Words that are not options; pip drops them without a word. */
  ignored: string[];
  error?: string;
}

export function parseOptionWords(words: readonly string[]): ParsedOptions {
  const options: ParsedOption[] = [];
  const ignored: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') {
      ignored.push(...words.slice(i + 1));
      break;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const given = eq < 0 ? word : word.slice(0, eq);
      const match = matchLong(given);
      if ('error' in match) return { options, ignored, error: match.error };
      const { spec } = match;
      if (spec.takesValue) {
        let value: string | undefined = eq < 0 ? undefined : word.slice(eq + 1);
        if (value === undefined) {
          if (i + 1 >= words.length) return { options, ignored, error: `${spec.long[0]} needs a value` };
          value = words[++i]!;
        }
        const invalid = invalidValue(spec.key, value);
        if (invalid) return { options, ignored, error: invalid };
        options.push({ key: spec.key, value });
      } else {
        if (eq >= 0) return { options, ignored, error: `${spec.long[0]} takes no value` };
        options.push({ key: spec.key });
      }
    } else if (word.startsWith('-') && word.length > 1) {
      const spec = SHORT.get(word[1]!);
      if (!spec) return { options, ignored, error: `no such option: -${word[1]}` };
      let value = word.slice(2);
      if (value === '') {
        if (i + 1 >= words.length) return { options, ignored, error: `-${word[1]} needs a value` };
        value = words[++i]!;
      }
      const invalid = invalidValue(spec.key, value);
      if (invalid) return { options, ignored, error: invalid };
      options.push({ key: spec.key, value });
    } else {
      ignored.push(word);
    }
  }
  return { options, ignored };
}

/** pip validates `--config-settings` while parsing: a value without `=` fails the whole file. */
function invalidValue(key: OptionKey, value: string): string | undefined {
  if (key === 'config-settings' && !value.includes('=')) {
    return `--config-settings ${value} is not of the form KEY=VALUE`;
  }
  return undefined;
}

function matchLong(given: string): { spec: OptionSpec } | { error: string } {
  const exact = LONG.get(given);
  if (exact) return { spec: exact };
  // Like optparse, every spelling counts: a prefix of two aliases of one option is ambiguous too.
  const candidates = [...LONG.keys()].filter((name) => name.startsWith(given));
  if (candidates.length === 1) return { spec: LONG.get(candidates[0]!)! };
  if (candidates.length === 0) return { error: `no such option: ${given}` };
  return { error: `ambiguous option: ${given} (${candidates.sort().join(', ')})` };
}
