import path from 'node:path';
import { RAY_LIMITS } from './limits.ts';
import {
  emptyFacts,
  type EnvSetting,
  type InputKind,
  type RayClusterFacts,
  type RayFacts,
  type RayInputFile,
} from './model.ts';
import { isComposeDocument, parseComposeDocument } from './parse/compose.ts';
import { parseDockerfile, type DockerStage } from './parse/dockerfile.ts';
import { looksLikeEnvFile, parseEnvFile } from './parse/env-file.ts';
import { isRayImage, parseImageRef, rayVersionOfTag } from './parse/image-ref.ts';
import { isKubernetesObject, parseKubernetesObject } from './parse/kubernetes.ts';
import { isLauncherDocument, parseLauncherDocument } from './parse/launcher.ts';
import { collectShell } from './parse/shell-facts.ts';
import { isServeConfigDocument, readServeConfig } from './parse/serve-config.ts';
import { analyzeShell, type ShellStart } from './shell/script.ts';
import { isRecord, parseYaml } from './yaml/safe-yaml.ts';

/**
 * Reads every input into one RayFacts. Kubernetes objects, launcher configs and compose files carry their own
 * cluster. Scripts, Dockerfiles and env files describe hosts: those in one folder are read as one deployment,
 * with the folder's env files applying to every `ray start` there, and a Dockerfile's environment applying to
 * its own command and to the scripts it copies or runs.
 */
export function collectRayFacts(files: readonly RayInputFile[]): RayFacts {
  const facts = emptyFacts();
  const envFiles = new Map<string, EnvSetting[]>();
  const accepted: { file: RayInputFile; kind: InputKind | 'yaml' }[] = [];
  for (const file of files.slice(0, RAY_LIMITS.maxFiles)) {
    if (file.content.length > RAY_LIMITS.maxFileBytes) {
      facts.problems.push({
        code: 'RAY_INPUT_TOO_LARGE',
        severity: 'error',
        message: `${file.path} is larger than ${RAY_LIMITS.maxFileBytes} bytes; it was not read.`,
        file: file.path,
      });
      continue;
    }
    const kind = kindByName(file);
    if (kind === undefined) {
      if (file.explicit) unrecognized(facts, file.path);
      continue;
    }
    if (kind === 'env-file') {
      const settings = parseEnvFile(file.content, file.path);
      envFiles.set(file.path, settings);
      facts.files.push({ path: file.path, kind });
      for (const e of settings) facts.envSettings.push({ env: e });
      continue;
    }
    accepted.push({ file, kind });
  }

  const hosts = new Map<string, HostGroup>();
  const host = (file: string) => {
    const dir = path.posix.dirname(file);
    let group = hosts.get(dir);
    if (!group) {
      const env = [...envFiles.entries()]
        .filter(([p]) => path.posix.dirname(p) === dir)
        .flatMap(([, s]) => s);
      group = { dir, env, scripts: [], dockerfiles: [] };
      hosts.set(dir, group);
    }
    return group;
  };

  for (const { file, kind } of accepted) {
    if (kind === 'yaml') readYaml(file, facts, envFiles);
    else if (kind === 'dockerfile') {
      facts.files.push({ path: file.path, kind });
      host(file.path).dockerfiles.push({
        path: file.path,
        stages: parseDockerfile(file.content, file.path).stages,
      });
    } else if (kind === 'shell') {
      facts.files.push({ path: file.path, kind });
      host(file.path).scripts.push(file);
    }
  }
  for (const group of hosts.values()) readHost(group, facts);
  return facts;
}

interface HostGroup {
  dir: string;
  env: EnvSetting[];
  scripts: RayInputFile[];
  dockerfiles: { path: string; stages: DockerStage[] }[];
}

function kindByName(file: RayInputFile): InputKind | 'yaml' | undefined {
  const base = path.posix.basename(file.path);
  const lower = base.toLowerCase();
  if (/^(dockerfile|containerfile)([.-].*)?$/.test(lower) || /\.(dockerfile|containerfile)$/.test(lower))
    return 'dockerfile';
  if (/\.(ya?ml|json)$/.test(lower)) return 'yaml';
  if (/\.(sh|bash)$/.test(lower)) return 'shell';
  if (looksLikeEnvFile(base)) return 'env-file';
  if (/^#!.*\b(ba|da|z)?sh\b/.test(file.content.slice(0, 200))) return 'shell';
  return undefined;
}

function unrecognized(facts: RayFacts, file: string): void {
  facts.problems.push({
    code: 'RAY_INPUT_UNRECOGNIZED',
    severity: 'warning',
    message:
      `${file} is not a file raygate ray lint reads (KubeRay or Kubernetes YAML, cluster-launcher YAML, compose file, ` +
      'Dockerfile, shell script, env file); it was skipped.',
    file,
  });
}

function readYaml(file: RayInputFile, facts: RayFacts, envFiles: ReadonlyMap<string, EnvSetting[]>): void {
  const parsed = parseYaml(file.content, file.path);
  let recognized = false;
  const kinds = new Set<InputKind>();
  for (const doc of parsed.documents) {
    if (!isRecord(doc.value)) continue;
    if (isKubernetesObject(doc.value)) {
      parseKubernetesObject(file.path, doc.value, facts);
      kinds.add('kubernetes');
    } else if (isLauncherDocument(doc.value)) {
      parseLauncherDocument(file.path, doc.value, facts);
      kinds.add('cluster-launcher');
    } else if (isComposeDocument(doc.value)) {
      const dir = path.posix.dirname(file.path);
      const variables = new Map(
        (envFiles.get(path.posix.join(dir, '.env')) ?? [])
          .filter((e) => e.value !== undefined)
          .map((e) => [e.name, e.value!]),
      );
      parseComposeDocument(
        doc.value,
        {
          file: file.path,
          variables,
          envFile: (p) => envFiles.get(path.posix.normalize(path.posix.join(dir, p))),
        },
        facts,
      );
      kinds.add('compose');
    } else if (isServeConfigDocument(doc.value)) {
      readServeConfig(
        doc.value,
        { file: file.path, origin: `Serve config ${file.path}`, fieldPrefix: '', inContainer: false },
        facts,
      );
      kinds.add('serve-config');
    } else continue;
    recognized = true;
  }
  // Problems in a file found by walking a folder matter only when the file is a Ray deployment input.
  if (recognized || file.explicit)
    facts.problems.push(...parsed.problems.map((p) => ({ ...p, file: file.path })));
  if (recognized) for (const kind of kinds) facts.files.push({ path: file.path, kind });
  else if (file.explicit && parsed.problems.length === 0) unrecognized(facts, file.path);
}

function readHost(group: HostGroup, facts: RayFacts): void {
  const cluster: RayClusterFacts = {
    id: `host@${group.dir}`,
    label: `host deployment in ${group.dir === '.' ? './' : `${group.dir}/`}`,
    kind: 'host',
    name: group.dir,
    file: group.scripts[0]?.path ?? group.dockerfiles[0]?.path ?? group.dir,
    at: { file: group.scripts[0]?.path ?? group.dockerfiles[0]?.path ?? group.dir },
    nodes: [],
  };
  const addStarts = (starts: ShellStart[]) => {
    for (const s of starts) {
      const where = `${s.start.at.file}:${s.start.at.line ?? '?'}`;
      cluster.nodes.push({
        label: `ray start (${where})`,
        role: s.start.head ? 'head' : 'worker',
        start: s.start,
        env: s.env,
        ...(s.run ? { run: s.run } : {}),
        at: s.start.at,
      });
    }
  };
  const baseEnv = new Map(group.env.map((e) => [e.name, e] as const));
  const scriptEnv = new Map<string, Map<string, EnvSetting>>();

  for (const dockerfile of group.dockerfiles) {
    const stages = dockerfile.stages;
    const stageNames = new Set(stages.map((s) => s.name?.toLowerCase()).filter((n) => n !== undefined));
    stages.forEach((stage) => {
      const base = stage.from.image;
      if (!stageNames.has(base.toLowerCase()) && base !== '' && base.toLowerCase() !== 'scratch') {
        facts.images.push({ reference: base, at: stage.from.at, context: 'FROM', clusterId: cluster.id });
        const ref = parseImageRef(base);
        const version = ref && isRayImage(ref) ? rayVersionOfTag(ref.tag) : undefined;
        if (version)
          facts.versions.push({
            version,
            source: 'image',
            at: stage.from.at,
            image: base,
            rayData: true,
            clusterId: cluster.id,
          });
      }
      for (const e of stage.env) facts.envSettings.push({ env: e, clusterId: cluster.id });
      const stageEnv = new Map([...baseEnv, ...envChain(stage, stages).map((e) => [e.name, e] as const)]);
      for (const run of stage.runs) {
        const shell = analyzeShell(run.script, run.line, {
          file: dockerfile.path,
          env: stageEnv,
          field: 'RUN',
        });
        collectShell(shell, facts, cluster.id);
        addStarts(shell.starts);
      }
      for (const copy of stage.copies) {
        if ([copy.dest, ...copy.sources].some((p) => /(^|\/)\.ray\/auth_token$|(^|\/)auth_token$/.test(p))) {
          facts.tokenFiles.push({
            at: copy.at,
            how: `${copy.instruction} ${copy.sources.join(' ')} ${copy.dest}`,
          });
        }
      }
    });
    const final = stages[stages.length - 1];
    if (!final) continue;
    const finalEnv = new Map([...baseEnv, ...envChain(final, stages).map((e) => [e.name, e] as const)]);
    const command = effectiveCommand(final);
    if (command) {
      const shell = analyzeShell(command.script, command.line, {
        file: dockerfile.path,
        env: finalEnv,
        field: command.field,
      });
      collectShell(shell, facts, cluster.id);
      addStarts(shell.starts);
    }
    // The Dockerfile's environment reaches the scripts it copies in and runs.
    const mentioned = [command?.script ?? '', ...final.copies.flatMap((c) => c.sources)].join(' ');
    for (const script of group.scripts) {
      const base = path.posix.basename(script.path);
      if (
        new RegExp(`(^|[\\s/'"])${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[\\s'"])`).test(mentioned)
      ) {
        scriptEnv.set(script.path, finalEnv);
      }
    }
  }
  for (const script of group.scripts) {
    const shell = analyzeShell(script.content, 1, {
      file: script.path,
      env: scriptEnv.get(script.path) ?? baseEnv,
    });
    collectShell(shell, facts, cluster.id);
    addStarts(shell.starts);
  }
  if (cluster.nodes.length > 0) facts.clusters.push(cluster);
}

/** ENV of a stage and of the stages it is built FROM, oldest first. */
function envChain(stage: DockerStage, stages: readonly DockerStage[]): EnvSetting[] {
  const chain: EnvSetting[][] = [];
  let current: DockerStage | undefined = stage;
  for (let guard = 0; current && guard < stages.length; guard++) {
    chain.unshift(current.env);
    const from = current.from.image.toLowerCase();
    current = stages.find((s) => s !== current && s.name?.toLowerCase() === from);
  }
  return chain.flat();
}

/** ENTRYPOINT and CMD combined the way Docker runs them. */
function effectiveCommand(stage: DockerStage): { script: string; line: number; field: string } | undefined {
  const { entrypoint, cmd } = stage;
  if (entrypoint) {
    if (entrypoint.form !== 'exec' || !cmd || cmd.form !== 'exec') {
      return { script: entrypoint.script, line: entrypoint.line, field: 'ENTRYPOINT' };
    }
    return { script: `${entrypoint.script} ${cmd.script}`, line: entrypoint.line, field: 'ENTRYPOINT + CMD' };
  }
  if (cmd) return { script: cmd.script, line: cmd.line, field: 'CMD' };
  return undefined;
}
