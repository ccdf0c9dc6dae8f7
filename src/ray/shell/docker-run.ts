import type { ContainerRunFacts, EnvSetting } from '../model.ts';
import { parsePortSpec } from '../ports.ts';
import type { Word } from './lexer.ts';

/** `docker run` / `podman run` options that take no value; every other option takes one. */
const BOOLEAN_OPTIONS = new Set([
  'rm',
  'detach',
  'd',
  'interactive',
  'i',
  'tty',
  't',
  'privileged',
  'init',
  'read-only',
  'publish-all',
  'P',
  'help',
  'quiet',
  'q',
  'no-healthcheck',
  'oom-kill-disable',
]);

export interface DockerRun {
  run: ContainerRunFacts;
  /** `-e NAME=value` and `--env` settings (a bare `-e NAME` passes the caller's value through). */
  env: EnvSetting[];
  /** The command after the image, if any. */
  command: Word[];
}

/** Parses the words after `docker run` (or `podman run`, `docker container run`). */
export function parseDockerRun(
  args: readonly Word[],
  file: string,
  callerEnv: ReadonlyMap<string, EnvSetting>,
): DockerRun {
  const run: ContainerRunFacts = { ports: [], capAdd: [], securityOpt: [], volumes: [] };
  const env: EnvSetting[] = [];
  let i = 0;
  const at = (w: Word, field: string) => ({ file, line: w.line, field: `docker run ${field}` });
  for (; i < args.length; i++) {
    const word = args[i]!;
    const text = word.text;
    if (text === '--') {
      i++;
      break;
    }
    if (!text.startsWith('-') || text === '-') break;
    let name: string;
    let value: Word | undefined;
    if (text.startsWith('--')) {
      const eq = text.indexOf('=');
      name = eq > 0 ? text.slice(2, eq) : text.slice(2);
      if (eq > 0) value = { ...word, text: text.slice(eq + 1) };
    } else {
      // short options: `-p 8265:8265`, `-p8265:8265`, or a cluster of switches `-it`, `-dit`
      const letters = text.slice(1);
      if ([...letters].every((l) => BOOLEAN_OPTIONS.has(l))) continue;
      name = letters[0]!;
      if (letters.length > 1) value = { ...word, text: letters.slice(1) };
    }
    if (BOOLEAN_OPTIONS.has(name) && value === undefined) {
      if (name === 'privileged') run.privileged = at(word, '--privileged');
      continue;
    }
    if (value === undefined) {
      value = args[i + 1];
      if (value) i++;
    }
    if (!value) break;
    applyOption(name, value, word);
  }
  const imageWord = args[i];
  if (imageWord) {
    run.image = imageWord.text;
    run.imageAt = at(imageWord, 'image');
  }
  return { run, env, command: args.slice(i + 1) };

  function applyOption(name: string, value: Word, flagWord: Word): void {
    switch (name) {
      case 'p':
      case 'publish': {
        const spec = parsePortSpec(value.text);
        if (spec) run.ports.push({ ...spec, at: at(flagWord, `-p ${value.text}`) });
        return;
      }
      case 'e':
      case 'env': {
        const eq = value.text.indexOf('=');
        if (eq > 0) {
          const envName = value.text.slice(0, eq);
          env.push({
            name: envName,
            value: value.text.slice(eq + 1),
            source: value.dynamic ? 'expansion' : 'literal',
            at: at(flagWord, `-e ${envName}`),
          });
        } else {
          const passed = callerEnv.get(value.text);
          if (passed) env.push({ ...passed, at: at(flagWord, `-e ${value.text}`) });
        }
        return;
      }
      case 'network':
      case 'net':
        if (value.text === 'host') run.hostNetwork = at(flagWord, `--network ${value.text}`);
        return;
      case 'pid':
        if (value.text === 'host') run.pidHost = at(flagWord, '--pid host');
        return;
      case 'ipc':
        if (value.text === 'host') run.ipcHost = at(flagWord, '--ipc host');
        return;
      case 'cap-add':
        run.capAdd.push({ value: value.text, at: at(flagWord, `--cap-add ${value.text}`) });
        return;
      case 'security-opt':
        run.securityOpt.push({ value: value.text, at: at(flagWord, `--security-opt ${value.text}`) });
        return;
      case 'v':
      case 'volume': {
        const [source = '', target = ''] = value.text.split(':');
        run.volumes.push({ source, target, at: at(flagWord, `-v ${value.text}`) });
        return;
      }
      case 'privileged':
        if (value.text !== 'false') run.privileged = at(flagWord, '--privileged');
        return;
      default:
        return;
    }
  }
}
