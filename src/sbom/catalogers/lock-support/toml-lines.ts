/**
 * Line numbers for the entries of a top-level TOML array of tables (`[[package]]`, `[[packages]]`).
 *
 * The TOML parser gives values, not positions, so the text is scanned: the i-th `[[key]]` header is the i-th
 * array element, in file order. Headers inside multi-line strings are skipped by tracking `"""`/`'''`
 * (approximate: a triple quote inside a single-line string could confuse it). When the header count does
 * not match the parsed array (entries written inline, `key = [{…}]`), each entry falls back to the first
 * line `name = "<name>"` at or after the previous entry's line — also approximate, hence `undefined` when
 * nothing matches rather than a wrong guess.
 */
export function arrayTableLines(
  text: string,
  key: string,
  names: readonly (string | undefined)[],
): (number | undefined)[] {
  const lines = text.split('\n');
  const header = new RegExp(`^\\s*\\[\\[\\s*${escapeRegExp(key)}\\s*\\]\\]\\s*(#.*)?$`);
  const headers: number[] = [];
  let inMultiline: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (inMultiline) {
      if (countOf(line, inMultiline) % 2 === 1) inMultiline = undefined;
      continue;
    }
    if (header.test(line)) {
      headers.push(i + 1);
      continue;
    }
    for (const quote of ['"""', "'''"]) {
      if (countOf(line, quote) % 2 === 1) {
        inMultiline = quote;
        break;
      }
    }
  }
  if (headers.length === names.length) return headers;

  const out: (number | undefined)[] = [];
  let from = 0;
  for (const name of names) {
    if (name === undefined) {
      out.push(undefined);
      continue;
    }
    const pattern = new RegExp(`(^|[{,\\s])name\\s*=\\s*["']${escapeRegExp(name)}["']`);
    let found: number | undefined;
    for (let i = from; i < lines.length; i++) {
      if (pattern.test(lines[i]!)) {
        found = i + 1;
        from = i + 1;
        break;
      }
    }
    out.push(found);
  }
  return out;
}

function countOf(line: string, needle: string): number {
  let n = 0;
  for (let at = line.indexOf(needle); at >= 0; at = line.indexOf(needle, at + needle.length)) n++;
  return n;
}

export function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** 1-based line of the first line matching `pattern`, or undefined. */
export function firstLineMatching(text: string, pattern: RegExp, fromLine = 1): number | undefined {
  const lines = text.split('\n');
  for (let i = Math.max(0, fromLine - 1); i < lines.length; i++) if (pattern.test(lines[i]!)) return i + 1;
  return undefined;
}
