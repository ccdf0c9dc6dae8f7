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

  // One pass: every `name = "…"` line, then each entry takes the first one after the previous entry's.
  const nameLines = linesByCapture(lines, /(?:^|[{,\s])name\s*=\s*["']([^"']*)["']/);
  const out: (number | undefined)[] = [];
  let from = 0;
  for (const name of names) {
    const found = name === undefined ? undefined : firstAtOrAfter(nameLines.get(name), from + 1);
    out.push(found);
    if (found !== undefined) from = found;
  }
  return out;
}

function countOf(line: string, needle: string): number {
  let n = 0;
  for (let at = line.indexOf(needle); at >= 0; at = line.indexOf(needle, at + needle.length)) n++;
  return n;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * For each value the pattern's first group captures, the 1-based lines where it occurs (ascending). One
 * pass over the text, so locating N entries costs one scan, not N.
 */
export function linesByCapture(lines: readonly string[], pattern: RegExp): Map<string, number[]> {
  const global = new RegExp(
    pattern.source,
    pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
  );
  const out = new Map<string, number[]>();
  for (let i = 0; i < lines.length; i++) {
    // Every occurrence on the line counts: minified JSON has them all on line 1.
    for (const m of lines[i]!.matchAll(global)) {
      if (m[1] === undefined) continue;
      const list = out.get(m[1]);
      if (!list) out.set(m[1], [i + 1]);
      else if (list[list.length - 1] !== i + 1) list.push(i + 1);
    }
  }
  return out;
}

/** The first line in an ascending list that is at or after `line`. */
export function firstAtOrAfter(list: readonly number[] | undefined, line: number): number | undefined {
  if (!list) return undefined;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < line) lo = mid + 1;
    else hi = mid;
  }
  return list[lo];
}
