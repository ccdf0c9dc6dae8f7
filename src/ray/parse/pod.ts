import type { ContainerFacts, EnvSetting, PodFacts, VolumeFacts, VolumeKind } from '../model.ts';
import { arr, bool, joinPath, rec, refAt, str, stringMap } from './nav.ts';

/** Reads a Kubernetes container (`env`, `envFrom`, `securityContext`, `resources`, mounts, image). */
export function parseContainer(file: string, value: unknown, path: string): ContainerFacts | undefined {
  const c = rec(value);
  if (!c) return undefined;
  const name = str(c.name) ?? '';
  const env: EnvSetting[] = [];
  arr(c.env).forEach((item, i) => {
    const e = rec(item);
    const envName = str(e?.name);
    if (!e || !envName) return;
    const at = refAt(file, arr(c.env), i, joinPath(joinPath(path, 'env'), envName));
    const valueFrom = rec(e.valueFrom);
    if (valueFrom) {
      const secret = rec(valueFrom.secretKeyRef);
      const configMap = rec(valueFrom.configMapKeyRef);
      if (secret) {
        const key = str(secret.key);
        env.push({
          name: envName,
          source: 'secret',
          secretRef: { name: str(secret.name) ?? '', ...(key ? { key } : {}) },
          at,
        });
      } else if (configMap) env.push({ name: envName, source: 'config-map', at });
      else env.push({ name: envName, source: 'field', at });
      return;
    }
    const literal = str(e.value) ?? '';
    // Kubernetes expands $(VAR) references to other env entries; anything else is taken as written.
    env.push({ name: envName, value: literal, source: /\$\(/.test(literal) ? 'expansion' : 'literal', at });
  });
  const envFrom: ContainerFacts['envFrom'] = [];
  arr(c.envFrom).forEach((item, i) => {
    const e = rec(item);
    const at = refAt(file, arr(c.envFrom), i, joinPath(path, `envFrom[${i}]`));
    const secret = str(rec(e?.secretRef)?.name);
    const configMap = str(rec(e?.configMapRef)?.name);
    if (secret) envFrom.push({ kind: 'secret', name: secret, at });
    if (configMap) envFrom.push({ kind: 'config-map', name: configMap, at });
  });
  const resources = rec(c.resources);
  const limits = rec(resources?.limits);
  const limitsCpu = str(limits?.cpu);
  const limitsMemory = str(limits?.memory);
  const mounts = arr(c.volumeMounts)
    .map((item, i) => {
      const m = rec(item);
      const mName = str(m?.name);
      const mountPath = str(m?.mountPath);
      if (!mName || !mountPath) return undefined;
      return {
        name: mName,
        mountPath,
        at: refAt(file, arr(c.volumeMounts), i, joinPath(path, `volumeMounts[${i}]`)),
      };
    })
    .filter((m) => m !== undefined);
  const image = str(c.image);
  const securityContext = rec(c.securityContext);
  const argv: ContainerFacts['argv'] = [];
  for (const key of ['command', 'args']) {
    const list = arr(c[key]);
    list.forEach((w, i) => {
      const text = str(w);
      const line = refAt(file, list, i, '').line;
      if (text !== undefined) argv.push({ text, ...(line !== undefined ? { line } : {}) });
    });
  }
  return {
    name,
    ...(image ? { image, imageAt: refAt(file, c, 'image', joinPath(path, 'image')) } : {}),
    env,
    envFrom,
    ...(securityContext
      ? {
          securityContext,
          securityContextAt: refAt(file, c, 'securityContext', joinPath(path, 'securityContext')),
        }
      : {}),
    ...(resources
      ? {
          resources: {
            ...(limitsCpu ? { limitsCpu } : {}),
            ...(limitsMemory ? { limitsMemory } : {}),
            at: refAt(file, c, 'resources', joinPath(path, 'resources')),
          },
        }
      : {}),
    volumeMounts: mounts,
    argv,
    path,
    at: refAt(file, c, 'name', path),
  };
}

const VOLUME_KINDS: VolumeKind[] = [
  'hostPath',
  'secret',
  'configMap',
  'persistentVolumeClaim',
  'nfs',
  'emptyDir',
  'projected',
];

/** Reads a pod spec (`template.spec`): host namespaces, security context, service account, volumes, containers. */
export function parsePodSpec(
  file: string,
  value: unknown,
  path: string,
  metadata?: unknown,
): PodFacts | undefined {
  const spec = rec(value);
  if (!spec) return undefined;
  const flag = (key: string) =>
    bool(spec[key]) === true ? refAt(file, spec, key, joinPath(path, key)) : undefined;
  const volumes: VolumeFacts[] = [];
  arr(spec.volumes).forEach((item, i) => {
    const v = rec(item);
    const name = str(v?.name);
    if (!v || !name) return;
    const kind = VOLUME_KINDS.find((k) => k in v) ?? 'other';
    const body = rec(v[kind]);
    const source =
      kind === 'secret'
        ? str(body?.secretName)
        : kind === 'configMap'
          ? str(body?.name)
          : kind === 'persistentVolumeClaim'
            ? str(body?.claimName)
            : kind === 'hostPath' || kind === 'nfs'
              ? str(body?.path)
              : undefined;
    volumes.push({
      name,
      kind,
      ...(source ? { source } : {}),
      at: refAt(file, arr(spec.volumes), i, joinPath(path, `volumes[${i}].${kind}`)),
    });
  });
  const containers = arr(spec.containers)
    .map((c, i) => parseContainer(file, c, joinPath(path, `containers[${i}]`)))
    .filter((c) => c !== undefined);
  const initContainers = arr(spec.initContainers)
    .map((c, i) => parseContainer(file, c, joinPath(path, `initContainers[${i}]`)))
    .filter((c) => c !== undefined);
  const securityContext = rec(spec.securityContext);
  const automount = bool(spec.automountServiceAccountToken);
  const serviceAccountName = str(spec.serviceAccountName) ?? str(spec.serviceAccount);
  const meta = rec(metadata);
  const hostNetwork = flag('hostNetwork');
  const hostPID = flag('hostPID');
  const hostIPC = flag('hostIPC');
  return {
    path,
    at: refAt(file, spec, undefined, path),
    ...(hostNetwork ? { hostNetwork } : {}),
    ...(hostPID ? { hostPID } : {}),
    ...(hostIPC ? { hostIPC } : {}),
    ...(securityContext
      ? {
          securityContext,
          securityContextAt: refAt(file, spec, 'securityContext', joinPath(path, 'securityContext')),
        }
      : {}),
    ...(serviceAccountName ? { serviceAccountName } : {}),
    ...(automount !== undefined
      ? {
          automountServiceAccountToken: {
            value: automount,
            at: refAt(
              file,
              spec,
              'automountServiceAccountToken',
              joinPath(path, 'automountServiceAccountToken'),
            ),
          },
        }
      : {}),
    volumes,
    containers,
    initContainers,
    annotations: stringMap(meta?.annotations),
    labels: stringMap(meta?.labels),
  };
}
