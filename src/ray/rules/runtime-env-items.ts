import type { RuntimeEnvFacts, SourceRef } from '../model.ts';
import { arr, rec, str } from '../parse/nav.ts';

/**
 * The parts of a Ray runtime environment (`ray.runtime_env.RuntimeEnv`) that fetch code or carry settings:
 * `working_dir`, `py_modules`, `pip` / `uv` (a list, `{packages: […]}`, or a requirements-file path), `conda`
 * (an environment name, file path or inline spec), `image_uri` / `container.image`, `env_vars`.
 */

export interface RemoteUri {
  field: string;
  uri: string;
  at: SourceRef;
}

export interface PackageEntry {
  tool: 'pip' | 'uv' | 'conda';
  text: string;
  at: SourceRef;
}

function at(env: RuntimeEnvFacts, path: (string | number)[]): SourceRef {
  const line = env.lineOf(path) ?? env.at.line;
  return {
    file: env.at.file,
    ...(line !== undefined ? { line } : {}),
    field: `${env.origin}: ${path.join('.')}`,
  };
}

export function remoteUris(env: RuntimeEnvFacts): RemoteUri[] {
  const out: RemoteUri[] = [];
  const wd = str(env.value.working_dir);
  if (wd && wd.includes('://')) out.push({ field: 'working_dir', uri: wd, at: at(env, ['working_dir']) });
  arr(env.value.py_modules).forEach((m, i) => {
    const uri = str(m);
    if (uri && uri.includes('://'))
      out.push({ field: `py_modules[${i}]`, uri, at: at(env, ['py_modules', i]) });
  });
  return out;
}

export function packageEntries(env: RuntimeEnvFacts): PackageEntry[] {
  const out: PackageEntry[] = [];
  for (const tool of ['pip', 'uv'] as const) {
    const value = env.value[tool];
    const list = Array.isArray(value) ? value : arr(rec(value)?.packages);
    const base: (string | number)[] = Array.isArray(value) ? [tool] : [tool, 'packages'];
    list.forEach((item, i) => {
      const text = str(item);
      if (text) out.push({ tool, text: text.trim(), at: at(env, [...base, i]) });
    });
  }
  const conda = rec(env.value.conda);
  arr(conda?.dependencies).forEach((dep, i) => {
    const text = str(dep);
    if (text) out.push({ tool: 'conda', text: text.trim(), at: at(env, ['conda', 'dependencies', i]) });
    const pip = arr(rec(dep)?.pip);
    pip.forEach((p, j) => {
      const pt = str(p);
      if (pt) out.push({ tool: 'pip', text: pt.trim(), at: at(env, ['conda', 'dependencies', i, 'pip', j]) });
    });
  });
  return out;
}

export function condaChannels(env: RuntimeEnvFacts): { channel: string; at: SourceRef }[] {
  const conda = rec(env.value.conda);
  return arr(conda?.channels)
    .map((c, i) => ({ channel: str(c) ?? '', at: at(env, ['conda', 'channels', i]) }))
    .filter((c) => c.channel !== '');
}

export function images(env: RuntimeEnvFacts): { image: string; at: SourceRef }[] {
  const out: { image: string; at: SourceRef }[] = [];
  const uri = str(env.value.image_uri);
  if (uri) out.push({ image: uri, at: at(env, ['image_uri']) });
  const container = str(rec(env.value.container)?.image);
  if (container) out.push({ image: container, at: at(env, ['container', 'image']) });
  return out;
}

export function envVars(env: RuntimeEnvFacts): { name: string; value: string; at: SourceRef }[] {
  return Object.entries(rec(env.value.env_vars) ?? {}).map(([name, value]) => ({
    name,
    value: str(value) ?? '',
    at: at(env, ['env_vars', name]),
  }));
}
