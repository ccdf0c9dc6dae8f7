/**
 * Turns the text of a requirements file into the logical lines pip parses, exactly as pip's preprocessing
 * does: split like Python's `str.splitlines`, join lines ending in `\`, drop comments (`#` at the start or
 * after whitespace, so a URL fragment such as `#egg=` or `#sha256=` survives), strip, skip empty lines.
 * Every step is linear in the input: no regular expression here can backtrack over a long line.
 */

export interface LogicalLine {
  /** 1-based number of the first physical line (pip reports the same number). */
  line: number;
  text: string;
  /** `${NAME}` references pip would expand from the environment at install time, left as written here. */
  envVars: string[];
}

export interface LogicalLines {
  lines: LogicalLine[];
  /** Lines longer than the bound, dropped (their first physical line numbers). */
  tooLong: number[];
  /** Set when the file has more logical lines than asked for: the physical line where reading stopped. */
  truncatedAt?: number;
}

// Python's str.splitlines boundaries, control characters included on purpose.
// eslint-disable-next-line no-control-regex
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const WHITESPACE = /\s/;
const ENV_VAR = /\$\{([A-Z0-9_]+)\}/g;

/** Physical lines, as `str.splitlines` yields them (no empty line after a final break), one at a time. */
function* physicalLines(text: string): Generator<string> {
  const breaks = new RegExp(LINE_BREAK.source, 'g');
  let start = 0;
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
    yield text.slice(start, m.index);
    start = m.index + m[0].length;
  }
  if (start < text.length) yield text.slice(start);
}

/** Splits `text` into at most `maxLines` logical lines, each at most `maxLength` characters. */
export function splitLogicalLines(text: string, maxLength: number, maxLines = Infinity): LogicalLines {
  const result: LogicalLines = { lines: [], tooLong: [] };
  const { lines, tooLong } = result;
  let parts: string[] = [];
  let length = 0;
  let first = 0;
  let overflow = false;

  const emit = (line: number, joined: string, long: boolean) => {
    if (long || joined.length > maxLength) {
      tooLong.push(line);
      return;
    }
    const cleaned = stripComment(joined).trim();
    if (cleaned === '') return;
    if (lines.length >= maxLines) {
      result.truncatedAt ??= line;
      return;
    }
    const envVars = [...cleaned.matchAll(ENV_VAR)].map((m) => m[1]!);
    lines.push({ line, text: cleaned, envVars });
  };
  const append = (piece: string) => {
    if (overflow) return;
    length += piece.length;
    if (length > maxLength) {
      overflow = true;
      parts = [];
    } else parts.push(piece);
  };

  let number = 0;
  for (let raw of physicalLines(text)) {
    number++;
    if (result.truncatedAt !== undefined) break;
    const comment = isCommentLine(raw);
    if (!raw.endsWith('\\') || comment) {
      // A comment line ends a continuation; the leading space makes sure the comment is stripped later.
      if (comment) raw = ` ${raw}`;
      if (parts.length > 0 || overflow) {
        append(raw);
        emit(first, parts.join(''), overflow);
        parts = [];
        length = 0;
        overflow = false;
      } else emit(number, raw, false);
    } else {
      if (parts.length === 0 && !overflow) first = number;
      append(trimBackslashes(raw));
    }
  }
  if (parts.length > 0 || overflow) emit(first, parts.join(''), overflow);
  return result;
}

/** True when the line is a comment: optional whitespace, then `#`. */
function isCommentLine(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '#') return true;
    if (!WHITESPACE.test(c)) return false;
  }
  return false;
}

/** Cuts at the first `#` that starts the line or follows whitespace. */
function stripComment(line: string): string {
  let from = 0;
  for (;;) {
    const i = line.indexOf('#', from);
    if (i < 0) return line;
    if (i === 0 || WHITESPACE.test(line[i - 1]!)) return line.slice(0, i);
    from = i + 1;
  }
}

/** Python's `str.strip("\\")`: backslashes off both ends. */
function trimBackslashes(line: string): string {
  let start = 0;
  let end = line.length;
  while (start < end && line[start] === '\\') start++;
  while (end > start && line[end - 1] === '\\') end--;
  return line.slice(start, end);
}
