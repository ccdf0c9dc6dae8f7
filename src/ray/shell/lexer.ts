import { RAY_LIMITS } from '../limits.ts';

/**
 * A small POSIX-shell reader, enough to find the commands a deployment runs and the environment they get:
 * quotes, escapes, line continuations, comments, `$(…)`/backquote/`${…}` expansions (kept verbatim, marked
 * dynamic), operators (`;` `&&` `||` `|` `&` newlines), redirections and here-documents. It never evaluates
 * anything. Control keywords (`if`, `then`, `do`, …) are dropped so the commands inside them are seen.
 */

export interface Word {
  /** The word after quote removal; expansions stay as written (`$POD_IP`). */
  text: string;
  line: number;
  /** True when the word holds an expansion outside single quotes, so its value is known only at run time. */
  dynamic: boolean;
}

export interface Redirect {
  op: string;
  target: Word;
}

export interface SimpleCommand {
  /** `NAME=value` words before the command name. */
  assignments: { name: string; value: Word }[];
  words: Word[];
  redirects: Redirect[];
  /** Body of a here-document fed to the command. */
  heredoc?: string;
  line: number;
}

const KEYWORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'while',
  'until',
  '!',
  '{',
  '}',
  'time',
]);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

interface Token {
  kind: 'word' | 'op';
  text: string;
  word?: Word;
  line: number;
}

/** Splits shell text into simple commands. `firstLine` is the line number of the text's first line. */
export function parseShell(text: string, firstLine = 1): SimpleCommand[] {
  const tokens = tokenize(text, firstLine);
  const commands: SimpleCommand[] = [];
  let current: SimpleCommand | undefined;
  let pendingHeredocs: { command: SimpleCommand; body: string }[] = [];
  const finish = () => {
    if (current && (current.words.length > 0 || current.assignments.length > 0)) commands.push(current);
    current = undefined;
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'op') {
      if (token.text.startsWith('<<') && token.text !== '<<<') {
        // here-document: the body was attached to the operator token by the tokenizer
        current ??= { assignments: [], words: [], redirects: [], line: token.line };
        pendingHeredocs.push({ command: current, body: token.word?.text ?? '' });
        if (tokens[i + 1]?.kind === 'word') i++; // the delimiter word
        continue;
      }
      if (/^[0-9]*(>>|>|<|&>|>&|<>|<<<)$/.test(token.text)) {
        const target = tokens[i + 1];
        current ??= { assignments: [], words: [], redirects: [], line: token.line };
        if (target?.kind === 'word' && target.word) {
          current.redirects.push({ op: token.text.replace(/^[0-9]+/, ''), target: target.word });
          i++;
        }
        continue;
      }
      finish();
      for (const h of pendingHeredocs) h.command.heredoc = h.body;
      pendingHeredocs = [];
      continue;
    }
    const word = token.word!;
    if (!current) {
      if (KEYWORDS.has(word.text) && !word.dynamic) continue;
      current = { assignments: [], words: [], redirects: [], line: word.line };
    }
    if (current.words.length === 0) {
      const m = ASSIGNMENT.exec(word.text);
      if (m) {
        current.assignments.push({
          name: m[1]!,
          value: { text: word.text.slice(m[0].length), line: word.line, dynamic: word.dynamic },
        });
        continue;
      }
      if (KEYWORDS.has(word.text) && current.assignments.length === 0) continue;
    }
    current.words.push(word);
  }
  finish();
  for (const h of pendingHeredocs) h.command.heredoc = h.body;
  return commands;
}

function tokenize(text: string, firstLine: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = firstLine;
  const n = text.length;
  const heredocQueue: { delimiter: string; stripTabs: boolean; token: Token }[] = [];

  const readHeredocBodies = () => {
    // called right after a newline: bodies follow in order
    for (const h of heredocQueue) {
      const lines: string[] = [];
      while (i < n) {
        let end = text.indexOf('\n', i);
        if (end < 0) end = n;
        let content = text.slice(i, end);
        i = end + 1;
        line++;
        if (h.stripTabs) content = content.replace(/^\t+/, '');
        if (content.replace(/\r$/, '') === h.delimiter) break;
        lines.push(content);
      }
      h.token.word = { text: lines.join('\n'), line: h.token.line + 1, dynamic: false };
    }
    heredocQueue.length = 0;
  };

  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      tokens.push({ kind: 'op', text: '\n', line });
      i++;
      line++;
      if (heredocQueue.length > 0) readHeredocBodies();
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
      line++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const op = /^(?:&&|\|\||;;|\|&|<<-|<<<|<<|>>|&>|>&|<>|[;&|()<>])/.exec(text.slice(i, i + 3));
    const fd = /^[0-9]+(?=>>|>&|>|<)/.exec(text.slice(i, i + 4));
    if (op || fd) {
      let opText = op ? op[0] : '';
      let length = opText.length;
      if (fd) {
        const rest = /^(>>|>&|>|<)/.exec(text.slice(i + fd[0].length))!;
        opText = fd[0] + rest[0];
        length = opText.length;
      }
      const token: Token = { kind: 'op', text: opText, line };
      tokens.push(token);
      i += length;
      if (opText === '<<' || opText === '<<-') {
        // the delimiter word follows; remember it so the body after the next newline is captured
        while (text[i] === ' ' || text[i] === '\t') i++;
        const word = readWord();
        if (word) {
          tokens.push({ kind: 'word', text: word.text, word, line: word.line });
          heredocQueue.push({ delimiter: word.text, stripTabs: opText === '<<-', token });
        }
      }
      continue;
    }
    const word = readWord();
    if (word) tokens.push({ kind: 'word', text: word.text, word, line: word.line });
    else i++;
  }
  return tokens;

  function readWord(): Word | undefined {
    const startLine = line;
    let out = '';
    let dynamic = false;
    let any = false;
    while (i < n) {
      if (out.length > RAY_LIMITS.maxShellLine) break;
      const c = text[i]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') break;
      if (';&|()<>'.includes(c)) break;
      any = true;
      if (c === '\\') {
        if (text[i + 1] === '\n') {
          i += 2;
          line++;
          continue;
        }
        if (i + 1 < n) out += text[i + 1];
        i += 2;
        continue;
      }
      if (c === "'") {
        const end = text.indexOf("'", i + 1);
        const stop = end < 0 ? n : end;
        const part = text.slice(i + 1, stop);
        line += countNewlines(part);
        out += part;
        i = stop + 1;
        continue;
      }
      if (c === '"') {
        i++;
        while (i < n && text[i] !== '"') {
          const d = text[i]!;
          if (d === '\\' && i + 1 < n && '"\\$`\n'.includes(text[i + 1]!)) {
            if (text[i + 1] === '\n') line++;
            else out += text[i + 1];
            i += 2;
            continue;
          }
          if (d === '$' || d === '`') {
            const expansion = readExpansion();
            out += expansion;
            dynamic = true;
            continue;
          }
          if (d === '\n') line++;
          out += d;
          i++;
        }
        i++;
        continue;
      }
      if (c === '$' || c === '`') {
        const expansion = readExpansion();
        if (expansion === '$') {
          out += '$';
          continue;
        }
        out += expansion;
        dynamic = true;
        continue;
      }
      out += c;
      i++;
    }
    return any ? { text: out, line: startLine, dynamic } : undefined;
  }

  /** Reads `$NAME`, `${…}`, `$(…)` or a backquoted command verbatim, honouring nesting. */
  function readExpansion(): string {
    const start = i;
    const c = text[i]!;
    if (c === '`') {
      i++;
      while (i < n && text[i] !== '`') {
        if (text[i] === '\\') i++;
        if (text[i] === '\n') line++;
        i++;
      }
      i++;
      return text.slice(start, i);
    }
    const next = text[i + 1];
    if (next === '{' || next === '(') {
      const open = next;
      const close = open === '{' ? '}' : ')';
      let depth = 0;
      i++;
      while (i < n) {
        const d = text[i]!;
        if (d === '\\') {
          i += 2;
          continue;
        }
        if (d === "'" && open === '(') {
          const end = text.indexOf("'", i + 1);
          i = end < 0 ? n : end + 1;
          continue;
        }
        if (d === '\n') line++;
        if (d === open) depth++;
        else if (d === close) {
          depth--;
          if (depth === 0) {
            i++;
            break;
          }
        }
        i++;
      }
      return text.slice(start, i);
    }
    const m = /^\$(?:[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(text.slice(i, i + 256));
    if (m) {
      i += m[0].length;
      return m[0];
    }
    i++;
    return '$';
  }
}

function countNewlines(s: string): number {
  let count = 0;
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) === 10) count++;
  return count;
}

/** The command name without its directory (`/home/ray/anaconda3/bin/ray` → `ray`). */
export function commandName(word: Word | undefined): string {
  if (!word) return '';
  const text = word.text;
  const slash = text.lastIndexOf('/');
  return slash >= 0 ? text.slice(slash + 1) : text;
}
