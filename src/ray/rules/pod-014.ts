import type { FindingDraft } from '../finding.ts';
import type { ContainerFacts, PodFacts, RayClusterFacts, SourceRef } from '../model.ts';
import { arr, bool, rec, str } from '../parse/nav.ts';
import { lineOf } from '../yaml/safe-yaml.ts';
import { DOCS, type RayRule } from './rule.ts';

/** Capabilities the restricted Pod Security Standard allows a container to add. */
const ALLOWED_ADDS = new Set(['NET_BIND_SERVICE']);
const DANGEROUS_MOUNTS =
  /^(\/|\/proc|\/sys|\/etc|\/root|\/var\/run\/docker\.sock|\/run\/docker\.sock|\/var\/lib\/docker|\/dev)$/;

interface PodUnit {
  label: string;
  pod?: PodFacts;
  containers: { container: ContainerFacts; podLevel?: PodFacts }[];
}

function unitsOf(cluster: RayClusterFacts): PodUnit[] {
  const units: PodUnit[] = [];
  for (const node of cluster.nodes) {
    if (!node.pod) continue;
    units.push({
      label: node.label,
      pod: node.pod,
      containers: [...node.pod.containers, ...node.pod.initContainers].map((container) => ({
        container,
        podLevel: node.pod,
      })),
    });
  }
  const head = cluster.nodes.find((n) => n.role === 'head')?.pod;
  if (cluster.kuberay?.autoscaler) {
    units.push({
      label: 'autoscaler sidecar',
      containers: [{ container: cluster.kuberay.autoscaler, ...(head ? { podLevel: head } : {}) }],
    });
  }
  const submitter = cluster.kuberay?.submitter;
  if (submitter) {
    units.push({
      label: 'submitter',
      pod: submitter,
      containers: [...submitter.containers, ...submitter.initContainers].map((container) => ({
        container,
        podLevel: submitter,
      })),
    });
  }
  return units;
}

/** Where a field of a securityContext is written: its own line, under the context's field path. */
function fieldAt(
  context: Record<string, unknown>,
  contextAt: SourceRef | undefined,
  key: string,
): SourceRef | undefined {
  if (!contextAt) return undefined;
  const line = lineOf(context, key) ?? contextAt.line;
  return {
    file: contextAt.file,
    ...(line !== undefined ? { line } : {}),
    field: `${contextAt.field ?? 'securityContext'}.${key}`,
  };
}

/** A field of the container's securityContext, else of the pod's (Kubernetes precedence). */
function effective(
  container: ContainerFacts,
  pod: PodFacts | undefined,
  key: string,
): { value: unknown; at?: SourceRef } {
  const c = container.securityContext;
  if (c && key in c) {
    const at = fieldAt(c, container.securityContextAt, key);
    return { value: c[key], ...(at ? { at } : {}) };
  }
  const p = pod?.securityContext;
  if (p && key in p) {
    const at = fieldAt(p, pod.securityContextAt, key);
    return { value: p[key], ...(at ? { at } : {}) };
  }
  return { value: undefined };
}

export const RAY_POD_014: RayRule = {
  id: 'RAY-POD-014',
  name: 'pod-hardening',
  title: 'Ray pods or containers run with more privilege than they need',
  severities: ['high', 'medium'],
  inputs: ['kubernetes', 'compose', 'shell'],
  help:
    'Head, worker, autoscaler and submitter containers run any code a job brings, so the container boundary is ' +
    'the last one. High: privileged, hostNetwork/hostPID/hostIPC, hostPath volumes, added capabilities (other than ' +
    "NET_BIND_SERVICE), seccomp or AppArmor Unconfined (KubeRay's sandbox sample does this); for compose and " +
    '`docker run`: --privileged, --cap-add, --pid/--ipc host, unconfined security options, bind mounts of /, ' +
    'docker.sock, /proc, /sys, /etc or /dev. Medium, once per container: missing parts of the restricted Pod ' +
    'Security Standard, which Ray supports — allowPrivilegeEscalation: false (Ray images give uid 1000 ' +
    'passwordless sudo), runAsNonRoot: true, capabilities.drop: [ALL], seccompProfile RuntimeDefault.',
  fix: 'Set securityContext {allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}} on every container and drop host namespaces and hostPath volumes.',
  helpUri: DOCS.podSecurity,
  check(context) {
    const out: FindingDraft[] = [];
    for (const cluster of context.facts.clusters) {
      const push = (
        message: string,
        at: SourceRef | undefined,
        key: string,
        severity: 'high' | 'medium' = 'high',
      ) =>
        out.push({
          severity,
          message: `${message} (${cluster.label})`,
          ...(at ? { at } : {}),
          clusterId: cluster.id,
          key,
        });
      for (const unit of unitsOf(cluster)) {
        const pod = unit.pod;
        if (pod) {
          if (pod.hostNetwork)
            push(`${unit.label} pod uses hostNetwork`, pod.hostNetwork, `${unit.label}:hostNetwork`);
          if (pod.hostPID) push(`${unit.label} pod uses hostPID`, pod.hostPID, `${unit.label}:hostPID`);
          if (pod.hostIPC) push(`${unit.label} pod uses hostIPC`, pod.hostIPC, `${unit.label}:hostIPC`);
          for (const v of pod.volumes) {
            if (v.kind === 'hostPath')
              push(
                `${unit.label} pod mounts hostPath ${v.source ?? '(no path)'} (volume ${v.name})`,
                v.at,
                `${unit.label}:${v.name}`,
              );
          }
        }
        for (const { container, podLevel } of unit.containers) {
          const name = `${unit.label} container ${container.name}`;
          const sc = container.securityContext ?? {};
          const scAt = container.securityContextAt ?? container.at;
          if (bool(sc.privileged) === true)
            push(
              `${name} is privileged`,
              fieldAt(sc, container.securityContextAt, 'privileged') ?? scAt,
              `${name}:privileged`,
            );
          const capabilities = rec(sc.capabilities);
          const adds = arr(capabilities?.add)
            .map((c) => str(c) ?? '')
            .filter((c) => c && !ALLOWED_ADDS.has(c.toUpperCase().replace(/^CAP_/, '')));
          if (adds.length > 0) {
            const capAt = capabilities && fieldAt(sc, container.securityContextAt, 'capabilities');
            const line = lineOf(capabilities, 'add') ?? capAt?.line;
            push(
              `${name} adds capabilities ${adds.join(', ')}`,
              capAt
                ? { ...capAt, ...(line !== undefined ? { line } : {}), field: `${capAt.field}.add` }
                : scAt,
              `${name}:caps`,
            );
          }
          for (const key of ['seccompProfile', 'appArmorProfile']) {
            const profile = effective(container, podLevel, key);
            const type = rec(profile.value);
            if (str(type?.type) === 'Unconfined') {
              const line = lineOf(type, 'type') ?? profile.at?.line;
              push(
                `${name} runs with ${key} Unconfined`,
                profile.at ? { ...profile.at, ...(line !== undefined ? { line } : {}) } : scAt,
                `${name}:${key}`,
              );
            }
          }
          const annotation =
            podLevel?.annotations[`container.apparmor.security.beta.kubernetes.io/${container.name}`];
          if (annotation === 'unconfined')
            push(
              `${name} runs AppArmor unconfined (pod annotation)`,
              podLevel?.at,
              `${name}:apparmor-annotation`,
            );

          const missing: string[] = [];
          if (bool(sc.allowPrivilegeEscalation) !== false)
            missing.push('allowPrivilegeEscalation is not false');
          if (bool(effective(container, podLevel, 'runAsNonRoot').value) !== true)
            missing.push('runAsNonRoot is not true');
          const drops = arr(rec(sc.capabilities)?.drop).map((c) => (str(c) ?? '').toUpperCase());
          if (!drops.includes('ALL')) missing.push('capabilities.drop lacks ALL');
          const seccomp = str(rec(effective(container, podLevel, 'seccompProfile').value)?.type);
          if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost' && seccomp !== 'Unconfined')
            missing.push('seccompProfile is not RuntimeDefault');
          if (missing.length > 0) {
            push(
              `${name} does not meet the restricted Pod Security Standard: ${missing.join(', ')}`,
              scAt,
              `${name}:restricted`,
              'medium',
            );
          }
        }
      }
      for (const node of cluster.nodes) {
        const run = node.run;
        if (!run) continue;
        const label = node.label;
        if (run.privileged) push(`${label} runs privileged`, run.privileged, `${label}:privileged`);
        if (run.pidHost) push(`${label} shares the host PID namespace`, run.pidHost, `${label}:pid`);
        if (run.ipcHost) push(`${label} shares the host IPC namespace`, run.ipcHost, `${label}:ipc`);
        for (const c of run.capAdd)
          push(`${label} adds capability ${c.value}`, c.at, `${label}:cap:${c.value}`);
        for (const o of run.securityOpt) {
          if (/unconfined/i.test(o.value))
            push(`${label} runs with security option ${o.value}`, o.at, `${label}:opt:${o.value}`);
        }
        for (const v of run.volumes) {
          if (DANGEROUS_MOUNTS.test(v.source.replace(/\/+$/, '') || '/'))
            push(`${label} bind-mounts the host's ${v.source || '/'}`, v.at, `${label}:mount:${v.source}`);
        }
      }
    }
    return out;
  },
};
