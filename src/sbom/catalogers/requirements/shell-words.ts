/**
 * Splits an option string into words the way Python's `shlex.split` does (POSIX mode), which is how pip
 * reads the options part of a requirements line: single and double quotes, backslash escapes, adjacent
 * quoted pieces joined into one word, `""` an empty word. Linear in the input.
 */
export type ShellWords = { words: string[] } | { error: string };

const SPACE = new Set([' ', '\t', '\r', '\n']);

export function splitShellWords(input: string): ShellWords {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (SPACE.has(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= input.length) return { error: 'no escaped character after a trailing backslash' };
      word += input[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) return { error: 'no closing quotation' };
      word += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < input.length) {
        const d = input[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        // Inside double quotes a backslash escapes only `"` and itself.
        if (d === '\\' && i + 1 < input.length && (input[i + 1] === '"' || input[i + 1] === '\\')) {
          word += input[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      if (!closed) return { error: 'no closing quotation' };
      inWord = true;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return { words };
}
