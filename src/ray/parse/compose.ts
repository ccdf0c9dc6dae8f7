import type {
  ContainerRunFacts,
  EnvSetting,
  RayClusterFacts,
  RayFacts,
  RayNodeFacts,
  SourceRef,
} from '../model.ts';
import { parsePortSpec } from '../ports.ts';
import { analyzeShell } from '../shell/script.ts';
import { shellQuote } from './dockerfile.ts';
import { collectShell } from './shell-facts.ts';
import { isRayImage, parseImageRef, rayVersionOfTag } from './image-ref.ts';
import { arr, bool, num, rec, refAt, str } from './nav.ts';
import { lineOf } from '../yaml/safe-yaml.ts';

/**
 * Docker Compose files (compose specification): each service that runs `ray start` is a node of one Ray
 * cluster per file. `environment`, `env_file`, `ports` (short and long syntax), `network_mode`, `privileged`,
 * `cap_add`, `security_opt`, `pid`, `ipc` and bind mounts are read; `${VAR}` / `${VAR:-default}` are
 * interpolated from the `.env` file beside the compose file, as compose does.
 */

export interface ComposeContext {
  file: string;
  /** Interpolation variables (the `.env` file next to the compose file). */
  variables: ReadonlyMap<string, string>;
  /** Settings from an `env_file` path (relative to the compose file); undefined when it is not among the inputs. */
  envFile(path: string): EnvSetting[] | undefined;
}

/** True for a parsed document shaped like a compose file. */
export function isComposeDocument(doc: Record<string, unknown>): boolean {
  const services = rec(doc.services);
  if (!services) return false;
  const values = Object.values(services);
  return (
    values.length > 0 &&
    values.every((s) => rec(s) !== undefined) &&
    values.some((s) => {
      const r = rec(s)!;
      return 'image' in r || 'build' in r || 'command' in r;
    })
  );
}

export function parseComposeDocument(
  doc: Record<string, unknown>,
  context: ComposeContext,
  facts: RayFacts,
): void {
  const { file } = context;
  const services = rec(doc.services) ?? {};
  const name = str(doc.name) ?? file;
  const cluster: RayClusterFacts = {
    id: `compose@${file}`,
    label: `compose project ${name}`,
    kind: 'compose',
    name,
    file,
    at: refAt(file, doc, 'services', 'services'),
    nodes: [],
  };
  const interpolate = (value: string): { text: string; dynamic: boolean } => {
    let dynamic = false;
    const text = value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (m, braced, op, word, bare) => {
        if (m === '$$') return '$';
        const known = context.variables.get((braced ?? bare) as string);
        if (op === '-') return known !== undefined && known !== '' ? known : (word as string);
        if (op === '+') return known !== undefined && known !== '' ? (word as string) : '';
        if (known !== undefined) return known;
        dynamic = true;
        return m;
      },
    );
    return { text, dynamic };
  };

  for (const [serviceName, raw] of Object.entries(services)) {
    const service = rec(raw);
    if (!service) continue;
    const at = (key: string | undefined, field: string): SourceRef =>
      refAt(file, service, key, `services.${serviceName}.${field}`);
    const run: ContainerRunFacts = { ports: [], capAdd: [], securityOpt: [], volumes: [] };
    const image = str(service.image);
    if (image) {
      const resolved = interpolate(image).text;
      run.image = resolved;
      run.imageAt = at('image', 'image');
      facts.images.push({
        reference: resolved,
        at: run.imageAt,
        context: `compose service ${serviceName}`,
        clusterId: cluster.id,
      });
      const ref = parseImageRef(resolved);
      const version = ref && isRayImage(ref) ? rayVersionOfTag(ref.tag) : undefined;
      if (version)
        facts.versions.push({
          version,
          source: 'image',
          at: run.imageAt,
          image: resolved,
          rayData: true,
          clusterId: cluster.id,
        });
    }

    const env: EnvSetting[] = [];
    for (const path of envFilePaths(service.env_file)) {
      const settings = context.envFile(path);
      if (settings) env.push(...settings);
      else {
        facts.problems.push({
          code: 'RAY_COMPOSE_ENV_FILE_MISSING',
          severity: 'warning',
          message: `${file}: service ${serviceName} reads env_file ${path}, which is not among the inputs; its settings were not checked.`,
          file,
          ...(lineOf(service, 'env_file') !== undefined ? { line: lineOf(service, 'env_file')! } : {}),
        });
      }
    }
    const environment = service.environment;
    const envAt = (key: string | number) =>
      refAt(file, environment, key, `services.${serviceName}.environment`);
    if (Array.isArray(environment)) {
      environment.forEach((item, i) => {
        const text = str(item);
        if (text === undefined) return;
        const eq = text.indexOf('=');
        if (eq <= 0) return;
        const v = interpolate(text.slice(eq + 1));
        env.push({
          name: text.slice(0, eq),
          value: v.text,
          source: v.dynamic ? 'expansion' : 'literal',
          at: { ...envAt(i), field: `services.${serviceName}.environment.${text.slice(0, eq)}` },
        });
      });
    } else {
      for (const [key, value] of Object.entries(rec(environment) ?? {})) {
        if (value === null || value === undefined) continue;
        const v = interpolate(str(value) ?? '');
        env.push({
          name: key,
          value: v.text,
          source: v.dynamic ? 'expansion' : 'literal',
          at: { ...envAt(key), field: `services.${serviceName}.environment.${key}` },
        });
      }
    }
    for (const e of env) facts.envSettings.push({ env: e, clusterId: cluster.id });

    arr(service.ports).forEach((p, i) => {
      const portAt = refAt(file, arr(service.ports), i, `services.${serviceName}.ports[${i}]`);
      const long = rec(p);
      if (long) {
        const target = num(long.target);
        if (target === undefined) return;
        const hostIp = str(long.host_ip);
        const published = str(long.published);
        run.ports.push({
          ...(hostIp ? { hostIp } : {}),
          ...(published ? { hostPort: published } : {}),
          containerPort: target,
          at: portAt,
        });
        return;
      }
      const spec = parsePortSpec(interpolate(str(p) ?? '').text);
      if (spec) run.ports.push({ ...spec, at: portAt });
    });
    const networkMode = str(service.network_mode);
    if (networkMode === 'host') run.hostNetwork = at('network_mode', 'network_mode');
    if (bool(service.privileged) === true) run.privileged = at('privileged', 'privileged');
    if (str(service.pid) === 'host') run.pidHost = at('pid', 'pid');
    if (str(service.ipc) === 'host') run.ipcHost = at('ipc', 'ipc');
    arr(service.cap_add).forEach((c, i) => {
      const v = str(c);
      if (v)
        run.capAdd.push({
          value: v,
          at: refAt(file, arr(service.cap_add), i, `services.${serviceName}.cap_add[${i}]`),
        });
    });
    arr(service.security_opt).forEach((c, i) => {
      const v = str(c);
      if (v)
        run.securityOpt.push({
          value: v,
          at: refAt(file, arr(service.security_opt), i, `services.${serviceName}.security_opt[${i}]`),
        });
    });
    arr(service.volumes).forEach((v, i) => {
      const vAt = refAt(file, arr(service.volumes), i, `services.${serviceName}.volumes[${i}]`);
      const long = rec(v);
      if (long) {
        if (str(long.type) === 'bind')
          run.volumes.push({ source: str(long.source) ?? '', target: str(long.target) ?? '', at: vAt });
        return;
      }
      const [source = '', target = ''] = (str(v) ?? '').split(':');
      if (source.startsWith('/') || source.startsWith('.') || source.startsWith('~'))
        run.volumes.push({ source, target, at: vAt });
    });

    // The service's command (entrypoint first): compose splits a string with shell rules but runs no shell.
    const words: string[] = [];
    let firstLine: number | undefined;
    for (const key of ['entrypoint', 'command']) {
      const value = service[key];
      if (value === undefined || value === null) continue;
      firstLine ??= lineOf(service, key);
      if (typeof value === 'string') words.push(interpolate(value).text);
      else words.push(...arr(value).map((w) => shellQuote(interpolate(str(w) ?? '').text)));
    }
    if (words.length === 0) continue;
    const shell = analyzeShell(words.join(' '), firstLine ?? 1, {
      file,
      env: new Map(env.map((e) => [e.name, e])),
      field: `services.${serviceName}.command`,
    });
    collectShell(shell, facts, cluster.id, { inContainer: true });
    shell.starts.forEach((s) => {
      const node: RayNodeFacts = {
        label: `service ${serviceName}`,
        role: s.start.head ? 'head' : 'worker',
        group: serviceName,
        start: s.start,
        env: s.env,
        run,
        at: at(undefined, ''),
      };
      cluster.nodes.push(node);
    });
  }
  if (cluster.nodes.length > 0) facts.clusters.push(cluster);
}

function envFilePaths(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return arr(value)
    .map((v) => str(v) ?? str(rec(v)?.path))
    .filter((v) => v !== undefined);
}
