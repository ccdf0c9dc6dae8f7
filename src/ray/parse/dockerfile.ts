import type { EnvSetting, SourceRef } from '../model.ts';

/**
 * Reads a Dockerfile into stages: the base image (with `ARG` defaults substituted), the environment each
 * stage sets (`ENV`, both forms), `RUN` commands (shell form, exec form and BuildKit here-documents),
 * `CMD`/`ENTRYPOINT`, and `COPY`/`ADD` destinations. Line numbers point at the instruction's first line, or
 * at the here-document line for text inside one.
 */

export interface DockerCommand {
  /** Shell text to analyse (exec form is turned into words joined with quoting). */
  script: string;
  /** Line of the script's first line in the Dockerfile. */
  line: number;
  instruction: 'RUN' | 'CMD' | 'ENTRYPOINT';
  form: 'shell' | 'exec' | 'heredoc';
  /** The exec-form words, when given in JSON form. */
  exec?: string[];
}

export interface DockerStage {
  from: { image: string; raw: string; at: SourceRef };
  name?: string;
  env: EnvSetting[];
  runs: DockerCommand[];
  cmd?: DockerCommand;
  entrypoint?: DockerCommand;
  copies: { sources: string[]; dest: string; at: SourceRef; instruction: 'COPY' | 'ADD' }[];
}

export interface DockerfileFacts {
  stages: DockerStage[];
}

interface Instruction {
  keyword: string;
  args: string;
  line: number;
  heredocs: { delimiter: string; body: string; line: number }[];
}

export function parseDockerfile(text: string, file: string): DockerfileFacts {
  const instructions = splitInstructions(text);
  const stages: DockerStage[] = [];
  const globalArgs = new Map<string, string>();
  let stage: DockerStage | undefined;
  let stageArgs = new Map<string, string>();
  let stageEnv = new Map<string, string>();

  const substitute = (value: string, vars: ReadonlyMap<string, string>) =>
    value.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (m, braced, op, word, bare) => {
        const name = (braced ?? bare) as string;
        const known = vars.get(name);
        if (op === '-') return known !== undefined && known !== '' ? known : (word as string);
        if (op === '+') return known !== undefined && known !== '' ? (word as string) : '';
        return known ?? m;
      },
    );

  for (const ins of instructions) {
    const at: SourceRef = { file, line: ins.line, field: ins.keyword };
    const flatArgs = ins.args.replace(/\\\n\s*/g, ' ');
    switch (ins.keyword) {
      case 'ARG': {
        for (const [name, value] of parseKeyValues(flatArgs, true)) {
          const resolved =
            value === undefined
              ? undefined
              : substitute(value, stage ? merged(stageArgs, stageEnv) : globalArgs);
          if (stage) stageArgs.set(name, resolved ?? globalArgs.get(name) ?? '');
          else if (resolved !== undefined) globalArgs.set(name, resolved);
          else globalArgs.set(name, '');
        }
        break;
      }
      case 'FROM': {
        const words = flatArgs.split(/\s+/).filter((w) => w !== '' && !w.startsWith('--'));
        const raw = words[0] ?? '';
        const image = substitute(raw.replace(/["']/g, ''), globalArgs);
        const asIndex = words.findIndex((w) => w.toLowerCase() === 'as');
        stage = {
          from: { image, raw, at: { file, line: ins.line, field: 'FROM' } },
          ...(asIndex > 0 && words[asIndex + 1] ? { name: words[asIndex + 1] } : {}),
          env: [],
          runs: [],
          copies: [],
        };
        stages.push(stage);
        stageArgs = new Map();
        stageEnv = new Map();
        break;
      }
      case 'ENV': {
        if (!stage) break;
        for (const [name, value] of parseKeyValues(flatArgs, false)) {
          const v = substitute(value ?? '', merged(stageArgs, stageEnv));
          stageEnv.set(name, v);
          stage.env.push({
            name,
            value: v,
            source: v.includes('$') ? 'expansion' : 'literal',
            at: { file, line: lineOfKey(ins, name), field: `ENV ${name}` },
          });
        }
        break;
      }
      case 'RUN':
      case 'CMD':
      case 'ENTRYPOINT': {
        if (!stage) break;
        const commands = commandsOf(ins);
        if (ins.keyword === 'RUN') stage.runs.push(...commands);
        else if (ins.keyword === 'CMD') stage.cmd = commands[0];
        else stage.entrypoint = commands[0];
        break;
      }
      case 'COPY':
      case 'ADD': {
        if (!stage) break;
        const words = flatArgs
          .split(/\s+/)
          .filter((w) => w !== '' && !w.startsWith('--'))
          .map((w) => w.replace(/^\[|\]$|^"|"$|,$/g, '').replace(/^"|"$/g, ''));
        if (words.length >= 2) {
          stage.copies.push({
            sources: words.slice(0, -1),
            dest: substitute(words[words.length - 1]!, merged(stageArgs, stageEnv)),
            at,
            instruction: ins.keyword,
          });
        }
        break;
      }
      default:
        break;
    }
  }
  return { stages };
}

/** The line a key starts on inside an instruction continued over several lines. */
function lineOfKey(ins: Instruction, name: string): number {
  const m = new RegExp(`(^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[=\\s]`).exec(ins.args);
  if (!m) return ins.line;
  return ins.line + (ins.args.slice(0, m.index).match(/\n/g)?.length ?? 0);
}

function merged(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...a, ...b]);
}

function commandsOf(ins: Instruction): DockerCommand[] {
  const keyword = ins.keyword as DockerCommand['instruction'];
  if (ins.heredocs.length > 0) {
    // The body is a shell script when the instruction runs nothing else (`RUN <<EOF`, `RUN bash <<EOF`);
    // `RUN python3 <<EOF` feeds it to another program, so only the command line itself is shell.
    const runner = ins.args.replace(/<<-?(["']?)[A-Za-z_][A-Za-z0-9_]*\1/g, '').trim();
    if (runner === '' || /^(?:\/bin\/|\/usr\/bin\/)?(?:ba|da|z)?sh\b/.test(runner)) {
      return ins.heredocs.map((h) => ({
        script: h.body,
        line: h.line,
        instruction: keyword,
        form: 'heredoc' as const,
      }));
    }
    return [{ script: runner, line: ins.line, instruction: keyword, form: 'shell' }];
  }
  const trimmed = ins.args.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) {
        const exec = parsed as string[];
        return [
          {
            script: exec.map(shellQuote).join(' '),
            line: ins.line,
            instruction: keyword,
            form: 'exec',
            exec,
          },
        ];
      }
    } catch {
      // not JSON: Docker runs it in shell form
    }
  }
  return [{ script: ins.args, line: ins.line, instruction: keyword, form: 'shell' }];
}

export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `ENV A=1 B="2 3"`, legacy `ENV A 1 2`, `ARG A` / `ARG A=1`. */
function parseKeyValues(args: string, allowBare: boolean): [string, string | undefined][] {
  const text = args.trim();
  const out: [string, string | undefined][] = [];
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*=/.test(text)) {
    const m = /^([A-Za-z_][A-Za-z0-9_.-]*)(?:\s+([\s\S]*))?$/.exec(text);
    if (m) out.push([m[1]!, m[2] === undefined ? (allowBare ? undefined : '') : unquote(m[2].trim())]);
    return out;
  }
  let i = 0;
  while (i < text.length) {
    while (/\s/.test(text[i] ?? '')) i++;
    const m = /^([A-Za-z_][A-Za-z0-9_.-]*)(=?)/.exec(text.slice(i));
    if (!m) break;
    i += m[0].length;
    if (!m[2]) {
      out.push([m[1]!, undefined]);
      continue;
    }
    let value = '';
    while (i < text.length && !/\s/.test(text[i]!)) {
      const c = text[i]!;
      if (c === '"' || c === "'") {
        const end = text.indexOf(c, i + 1);
        const stop = end < 0 ? text.length : end;
        value += c === '"' ? text.slice(i + 1, stop).replace(/\\(["\\])/g, '$1') : text.slice(i + 1, stop);
        i = stop + 1;
      } else if (c === '\\' && i + 1 < text.length) {
        value += text[i + 1];
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    out.push([m[1]!, value]);
  }
  return out;
}

function unquote(value: string): string {
  if (/^"[\s\S]*"$/.test(value) || /^'[\s\S]*'$/.test(value)) return value.slice(1, -1);
  return value;
}

/** Joins continuation lines, drops comments, and collects BuildKit here-document bodies. */
function splitInstructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  for (const l of lines) {
    const directive = /^#\s*escape\s*=\s*(\S)/i.exec(l);
    if (directive) {
      escape = directive[1]!;
      break;
    }
    if (!/^#\s*\w+\s*=/.test(l)) break;
  }
  const out: Instruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i]!;
    if (first.trim() === '' || first.trim().startsWith('#')) {
      i++;
      continue;
    }
    const startLine = i + 1;
    // Keep line breaks (as shell continuations) so line numbers stay true inside the instruction.
    let body = first;
    while (body.trimEnd().endsWith(escape) && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      body = `${body.trimEnd().slice(0, -1)}\\\n${next.trim().startsWith('#') ? '' : next}`;
    }
    i++;
    const m = /^\s*([A-Za-z]+)\s*([\s\S]*)$/.exec(body);
    if (!m) continue;
    const instruction: Instruction = {
      keyword: m[1]!.toUpperCase(),
      args: m[2]!,
      line: startLine,
      heredocs: [],
    };
    const heredocMarks = [...instruction.args.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)];
    if (heredocMarks.length > 0 && ['RUN', 'COPY', 'ADD'].includes(instruction.keyword)) {
      for (const mark of heredocMarks) {
        const delimiter = mark[3]!;
        const bodyLines: string[] = [];
        const bodyStart = i + 1;
        while (i < lines.length) {
          const l = lines[i]!;
          i++;
          const candidate = mark[1] === '-' ? l.replace(/^\t+/, '') : l;
          if (candidate.trimEnd() === delimiter) break;
          bodyLines.push(l);
        }
        instruction.heredocs.push({ delimiter, body: bodyLines.join('\n'), line: bodyStart });
      }
      // `RUN <<EOF` with a command after the marker (`RUN python3 <<EOF`) feeds the body to that command;
      // a shell-script body is what matters here either way.
    }
    out.push(instruction);
  }
  return out;
}
