import { RAY_LIMITS } from '../limits.ts';
import type { ContainerRunFacts, EnvSetting, RayStartFacts, SourceRef } from '../model.ts';
import { parseDockerRun } from './docker-run.ts';
import { commandName, parseShell, type SimpleCommand, type Word } from './lexer.ts';
import { parseStartArgs } from './ray-start.ts';

/**
 * Follows a shell script the way the shell would run it, tracking the environment each command gets:
 * `export NAME=value`, `NAME=value command`, `env NAME=value command`, `set -a`, `unset`, `sh -c "…"`,
 * and the documented cluster-launcher pattern `echo "export NAME=value" >> ~/.bashrc`. A plain `NAME=value`
 * line is a shell variable, not exported: Ray does not see it unless `set -a` is on or it is exported later.
 */

export interface ShellContext {
  file: string;
  /** Environment the commands start with (Dockerfile ENV, env files, profile exports). */
  env?: ReadonlyMap<string, EnvSetting>;
  /** Names the instruction or field the text came from (`CMD`, `head_start_ray_commands[1]`). */
  field?: string;
}

export interface ShellStart {
  start: RayStartFacts;
  /** Environment the `ray start` process gets, in the order it was set. */
  env: EnvSetting[];
  /** Set when `ray start` runs inside `docker run`. */
  run?: ContainerRunFacts;
}

export interface JobSubmit {
  at: SourceRef;
  runtimeEnvJson?: { text: string; at: SourceRef };
  workingDir?: { value: string; at: SourceRef };
}

export interface ShellFacts {
  starts: ShellStart[];
  /** Every environment setting made (exports, inline, `docker run -e`). */
  envSettings: EnvSetting[];
  /** Exported environment when the text ends. */
  exported: Map<string, EnvSetting>;
  /** `export NAME=value` lines written into a login profile (`~/.bashrc`, `/etc/environment`). */
  profileExports: EnvSetting[];
  jobSubmits: JobSubmit[];
  serveHosts: { host: string; dynamic: boolean; at: SourceRef }[];
  /** Requirement strings given to `pip install` / `uv pip install` that name Ray. */
  rayRequirements: { text: string; at: SourceRef }[];
  tokenFileWrites: { at: SourceRef; how: string }[];
  dockerRuns: { run: ContainerRunFacts; env: EnvSetting[] }[];
}

const PROFILE_FILE = /(^|\/)(\.bashrc|\.bash_profile|\.profile|\.zshrc|environment)$|\/etc\/profile\.d\//;
const TOKEN_FILE = /(^|\/)\.ray\/auth_token$/;
const WRAPPERS = new Set([
  'exec',
  'nohup',
  'command',
  'time',
  'stdbuf',
  'nice',
  'ionice',
  'setsid',
  'tini',
  'dumb-init',
]);

export function emptyShellFacts(): ShellFacts {
  return {
    starts: [],
    envSettings: [],
    exported: new Map(),
    profileExports: [],
    jobSubmits: [],
    serveHosts: [],
    rayRequirements: [],
    tokenFileWrites: [],
    dockerRuns: [],
  };
}

/** Reads shell text starting at `firstLine` and returns what it does that matters to Ray. */
export function analyzeShell(text: string, firstLine: number, context: ShellContext): ShellFacts {
  const facts = emptyShellFacts();
  const state = new ShellState(context, facts);
  state.run(parseShell(text, firstLine), 0);
  facts.exported = state.exported;
  return facts;
}

class ShellState {
  readonly exported: Map<string, EnvSetting>;
  private readonly variables = new Map<string, EnvSetting>();
  private allExport = false;
  private readonly context: ShellContext;
  private readonly facts: ShellFacts;

  constructor(context: ShellContext, facts: ShellFacts) {
    this.context = context;
    this.facts = facts;
    this.exported = new Map(context.env ?? []);
  }

  run(commands: readonly SimpleCommand[], depth: number): void {
    for (const command of commands) this.runCommand(command, depth);
  }

  private at(line: number, field?: string): SourceRef {
    const f = field ?? this.context.field;
    return { file: this.context.file, line, ...(f ? { field: f } : {}) };
  }

  private setting(name: string, value: Word, field: string): EnvSetting {
    const expanded = this.expand(value);
    return {
      name,
      value: expanded.text,
      source: expanded.dynamic ? 'expansion' : 'literal',
      at: this.at(value.line, field),
    };
  }

  /** Substitutes `$NAME`, `${NAME}` and `${NAME:-default}` from values the script itself set. */
  expand(word: Word): Word {
    if (!word.dynamic) return word;
    let unresolved = false;
    const text = word.text.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (match, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
        const name = braced ?? bare ?? '';
        const known = this.exported.get(name) ?? this.variables.get(name);
        if (known && known.source === 'literal' && known.value !== undefined) return known.value;
        if (!known && fallback !== undefined && !fallback.includes('$')) return fallback;
        unresolved = true;
        return match;
      },
    );
    return { text, line: word.line, dynamic: unresolved || /\$\(|`/.test(text) };
  }

  private runCommand(command: SimpleCommand, depth: number): void {
    this.noteRedirects(command);
    if (command.words.length === 0) {
      for (const a of command.assignments) {
        const s = this.setting(a.name, a.value, `${a.name}=`);
        this.variables.set(a.name, s);
        if (this.allExport || this.exported.has(a.name)) {
          this.exported.set(a.name, s);
          this.facts.envSettings.push(s);
        }
      }
      return;
    }
    const inline = command.assignments.map((a) => this.setting(a.name, a.value, a.name));
    this.facts.envSettings.push(...inline);
    this.dispatch(command, command.words, inline, depth);
  }

  private dispatch(
    command: SimpleCommand,
    words: readonly Word[],
    inline: EnvSetting[],
    depth: number,
  ): void {
    let rest = words;
    // Strip wrappers that run the next command with the same (or an extended) environment.
    for (let guard = 0; guard < 16 && rest.length > 0; guard++) {
      const name = commandName(rest[0]);
      if (WRAPPERS.has(name)) {
        rest = skipOptions(rest.slice(1), 0);
        continue;
      }
      if (name === 'timeout') {
        rest = skipOptions(rest.slice(1), 1);
        continue;
      }
      if (name === 'sudo') {
        rest = skipOptions(rest.slice(1), 0, new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U']));
        continue;
      }
      if (name === 'env') {
        let k = 1;
        while (k < rest.length) {
          const w = rest[k]!;
          if (w.text === '-i' || w.text === '--ignore-environment' || w.text === '-') {
            k++;
            continue;
          }
          if (w.text === '-u' || w.text === '--unset') {
            k += 2;
            continue;
          }
          const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.text);
          if (!m) break;
          const s = this.setting(m[1]!, { ...w, text: w.text.slice(m[0].length) }, m[1]!);
          inline.push(s);
          this.facts.envSettings.push(s);
          k++;
        }
        rest = rest.slice(k);
        continue;
      }
      break;
    }
    if (rest.length === 0) return;
    const name = commandName(rest[0]);
    const args = rest.slice(1);
    switch (name) {
      case 'export':
      case 'declare':
      case 'typeset':
        this.exportWords(args, name !== 'export');
        return;
      case 'set':
        args.forEach((a, k) => {
          if (/^-[a-zA-Z]*a/.test(a.text) || (a.text === '-o' && args[k + 1]?.text === 'allexport'))
            this.allExport = true;
          if (a.text === '+a' || (a.text === '+o' && args[k + 1]?.text === 'allexport'))
            this.allExport = false;
        });
        return;
      case 'unset':
        for (const a of args) {
          this.exported.delete(a.text);
          this.variables.delete(a.text);
        }
        return;
      case 'sh':
      case 'bash':
      case 'dash':
      case 'zsh':
      case 'ash': {
        const c = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a.text));
        const script = c >= 0 ? args[c + 1] : undefined;
        if (script && depth < RAY_LIMITS.maxShellNesting) this.nested(script, inline, depth);
        return;
      }
      case 'su': {
        const c = args.findIndex((a) => a.text === '-c' || a.text === '--command');
        const script = c >= 0 ? args[c + 1] : undefined;
        if (script && depth < RAY_LIMITS.maxShellNesting) this.nested(script, inline, depth);
        return;
      }
      case 'ray':
        this.ray(args, inline, command.line);
        return;
      case 'serve':
        this.serve(args);
        return;
      case 'docker':
      case 'podman':
      case 'nerdctl':
        this.docker(args, inline, depth);
        return;
      case 'pip':
      case 'pip3':
        if (args[0]?.text === 'install') this.pipInstall(args.slice(1));
        return;
      case 'uv':
        if (args[0]?.text === 'pip' && args[1]?.text === 'install') this.pipInstall(args.slice(2));
        return;
      case 'echo':
      case 'printf':
        this.echo(command, args, depth);
        return;
      default:
        if (/^python[0-9.]*$/.test(name)) {
          const m = args.findIndex((a) => a.text === '-m');
          if (m >= 0 && args[m + 1]?.text === 'pip' && args[m + 2]?.text === 'install')
            this.pipInstall(args.slice(m + 3));
        }
    }
  }

  private exportWords(args: readonly Word[], needsX: boolean): void {
    if (needsX && !args.some((a) => /^-[a-zA-Z]*x/.test(a.text))) return;
    for (const a of args) {
      if (a.text.startsWith('-')) continue;
      const eq = a.text.indexOf('=');
      if (eq > 0) {
        const name = a.text.slice(0, eq);
        const s = this.setting(name, { ...a, text: a.text.slice(eq + 1) }, `export ${name}`);
        this.exported.set(name, s);
        this.variables.set(name, s);
        this.facts.envSettings.push(s);
      } else {
        const known = this.variables.get(a.text);
        if (known) {
          this.exported.set(a.text, known);
          this.facts.envSettings.push(known);
        }
      }
    }
  }

  private nested(script: Word, inline: EnvSetting[], depth: number): void {
    const saved = new Map(this.exported);
    for (const s of inline) this.exported.set(s.name, s);
    this.run(parseShell(script.text, script.line), depth + 1);
    this.exported.clear();
    for (const [k, v] of saved) this.exported.set(k, v);
  }

  private effectiveEnv(inline: readonly EnvSetting[]): EnvSetting[] {
    const env = new Map(this.exported);
    for (const s of inline) env.set(s.name, s);
    return [...env.values()];
  }

  private ray(args: readonly Word[], inline: EnvSetting[], line: number): void {
    const sub = args[0]?.text;
    if (sub === 'start') {
      const expanded = args.slice(1).map((w) => this.expand(w));
      const start = parseStartArgs(expanded, this.at(args[0]!.line, this.context.field ?? 'ray start'));
      this.facts.starts.push({ start, env: this.effectiveEnv(inline) });
      return;
    }
    if (sub === 'job' && args[1]?.text === 'submit') {
      const job: JobSubmit = { at: this.at(line) };
      for (let k = 2; k < args.length; k++) {
        const w = args[k]!;
        if (w.text === '--') break;
        const [flag, inlineValue] = w.text.includes('=') ? w.text.split(/=(.*)/s) : [w.text, undefined];
        const valueWord = inlineValue !== undefined ? { ...w, text: inlineValue } : args[k + 1];
        if (flag === '--runtime-env-json' && valueWord) {
          job.runtimeEnvJson = { text: valueWord.text, at: this.at(valueWord.line, '--runtime-env-json') };
          if (inlineValue === undefined) k++;
        } else if (flag === '--working-dir' && valueWord) {
          job.workingDir = { value: valueWord.text, at: this.at(valueWord.line, '--working-dir') };
          if (inlineValue === undefined) k++;
        }
      }
      this.facts.jobSubmits.push(job);
    }
  }

  /** `serve start --http-host H` and `serve run --host H` choose where Serve's HTTP proxy listens. */
  private serve(args: readonly Word[]): void {
    const sub = args[0]?.text;
    const flag = sub === 'start' ? '--http-host' : sub === 'run' ? '--host' : undefined;
    if (!flag) return;
    for (let k = 1; k < args.length; k++) {
      const w = args[k]!;
      let value: Word | undefined;
      if (w.text.startsWith(`${flag}=`)) value = { ...w, text: w.text.slice(flag.length + 1) };
      else if (w.text === flag) value = args[k + 1];
      if (value) {
        const v = this.expand(value);
        this.facts.serveHosts.push({
          host: v.text,
          dynamic: v.dynamic,
          at: this.at(w.line, `serve ${sub} ${flag}`),
        });
      }
    }
  }

  private docker(args: readonly Word[], inline: EnvSetting[], depth: number): void {
    let k = 0;
    if (args[k]?.text === 'container') k++;
    if (args[k]?.text !== 'run') return;
    const caller = new Map(this.exported);
    for (const s of inline) caller.set(s.name, s);
    const parsed = parseDockerRun(
      args.slice(k + 1).map((w) => this.expand(w)),
      this.context.file,
      caller,
    );
    this.facts.dockerRuns.push({ run: parsed.run, env: parsed.env });
    this.facts.envSettings.push(...parsed.env);
    if (parsed.command.length === 0 || depth >= RAY_LIMITS.maxShellNesting) return;
    // The container's command runs with the container's environment, not the caller's.
    const inner = new ShellState(
      { ...this.context, env: new Map(parsed.env.map((e) => [e.name, e])) },
      emptyShellFacts(),
    );
    const before = this.facts.starts.length;
    inner.dispatchInto(this.facts, parsed.command, depth + 1);
    for (const s of this.facts.starts.slice(before)) s.run = parsed.run;
  }

  /** Runs a command word list found inside another command (a container's command) into `facts`. */
  dispatchInto(facts: ShellFacts, words: readonly Word[], depth: number): void {
    const target = new ShellState(this.context, facts);
    for (const [k, v] of this.exported) target.exported.set(k, v);
    target.dispatch(
      { assignments: [], words: [...words], redirects: [], line: words[0]?.line ?? 0 },
      words,
      [],
      depth,
    );
  }

  private pipInstall(args: readonly Word[]): void {
    const withValue = new Set([
      '-r',
      '--requirement',
      '-c',
      '--constraint',
      '-i',
      '--index-url',
      '--extra-index-url',
      '-f',
      '--find-links',
      '-t',
      '--target',
      '--prefix',
      '--root',
      '--trusted-host',
      '--python',
      '-p',
      '--cache-dir',
      '--src',
      '-e',
      '--editable',
      '--platform',
      '--python-version',
      '--implementation',
      '--abi',
      '--index-strategy',
      '--extra',
    ]);
    for (let k = 0; k < args.length; k++) {
      const w = args[k]!;
      if (w.text.startsWith('-')) {
        if (withValue.has(w.text)) k++;
        continue;
      }
      if (/^ray(\[|[<>=!~ @;]|$)|\/ray-[0-9][^/]*\.whl$|^ray-[0-9][^/]*\.whl$/i.test(w.text.trim())) {
        this.facts.rayRequirements.push({ text: w.text.trim(), at: this.at(w.line, 'pip install') });
      }
    }
  }

  private echo(command: SimpleCommand, args: readonly Word[], depth: number): void {
    const target = command.redirects.find((r) => r.op === '>>' || r.op === '>');
    if (!target) return;
    const text = args
      .filter((a) => !/^-[neE]+$/.test(a.text))
      .map((a) => a.text)
      .join(' ');
    if (PROFILE_FILE.test(target.target.text) && depth < RAY_LIMITS.maxShellNesting) {
      const profile = new ShellState({ file: this.context.file, field: 'profile export' }, emptyShellFacts());
      const lines = text.replace(/\\n/g, '\n');
      profile.run(
        parseShell(/\/etc\/environment$/.test(target.target.text) ? exportAll(lines) : lines, command.line),
        depth + 1,
      );
      for (const s of profile.exported.values()) {
        const setting = { ...s, at: this.at(command.line, `${s.name} in ${target.target.text}`) };
        this.facts.profileExports.push(setting);
        this.facts.envSettings.push(setting);
      }
    }
  }

  private noteRedirects(command: SimpleCommand): void {
    for (const r of command.redirects) {
      if ((r.op === '>' || r.op === '>>') && TOKEN_FILE.test(r.target.text)) {
        this.facts.tokenFileWrites.push({ at: this.at(command.line), how: `writes ${r.target.text}` });
      }
    }
    const name = commandName(command.words[0]);
    if (
      (name === 'cp' || name === 'mv' || name === 'install' || name === 'tee') &&
      command.words.length > 1
    ) {
      const last = command.words[command.words.length - 1]!;
      if (TOKEN_FILE.test(last.text))
        this.facts.tokenFileWrites.push({ at: this.at(command.line), how: `${name} … ${last.text}` });
    }
  }
}

/** `/etc/environment` holds `NAME=value` lines without `export`. */
function exportAll(text: string): string {
  return text
    .split('\n')
    .map((l) => (/^\s*[A-Za-z_][A-Za-z0-9_]*=/.test(l) ? `export ${l.trim()}` : l))
    .join('\n');
}

/** Drops leading options of a wrapper command; `valued` lists options that take a value. */
function skipOptions(
  words: readonly Word[],
  positional: number,
  valued: ReadonlySet<string> = new Set(),
): Word[] {
  let k = 0;
  while (k < words.length && words[k]!.text.startsWith('-')) {
    if (valued.has(words[k]!.text)) k++;
    k++;
  }
  return words.slice(k + positional);
}
