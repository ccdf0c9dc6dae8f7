import type { RayFacts, RouteFacts, SourceRef } from '../model.ts';
import { KUBERAY_KINDS, addImage, parseKubeRayResource } from './kuberay.ts';
import { parseLabelSelector } from './labels.ts';
import { arr, num, rec, refAt, str } from './nav.ts';
import { parsePodSpec } from './pod.ts';

/**
 * Kubernetes objects around a Ray deployment: the KubeRay resources themselves, and the Services, Ingresses,
 * OpenShift Routes, Gateway API routes, NetworkPolicies, Secrets, ConfigMaps and workloads in the same files
 * (multi-document YAML, `kind: List`, Helm-rendered output).
 */

const WORKLOAD_POD_PATHS: Record<string, string> = {
  Pod: 'spec',
  Deployment: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
};

const GATEWAY_ROUTES = new Set(['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute']);

/** True for a parsed document that is a Kubernetes object. */
export function isKubernetesObject(doc: Record<string, unknown>): boolean {
  return typeof doc.apiVersion === 'string' && typeof doc.kind === 'string';
}

export function parseKubernetesObject(
  file: string,
  doc: Record<string, unknown>,
  facts: RayFacts,
  depth = 0,
): void {
  const kind = str(doc.kind) ?? '';
  const apiVersion = str(doc.apiVersion) ?? '';
  if (kind === 'List' && depth < 4) {
    for (const item of arr(doc.items)) {
      const r = rec(item);
      if (r && isKubernetesObject(r)) parseKubernetesObject(file, r, facts, depth + 1);
    }
    return;
  }
  const metadata = rec(doc.metadata);
  const name = str(metadata?.name) ?? '';
  const namespace = str(metadata?.namespace);
  const at = refAt(file, doc, 'kind', `${kind} ${name}`);
  const ns = namespace ? { namespace } : {};

  if (KUBERAY_KINDS.has(kind) && apiVersion.startsWith('ray.io/')) {
    parseKubeRayResource({ file, doc, kind, name, ...ns }, facts);
    return;
  }
  const spec = rec(doc.spec);
  switch (kind) {
    case 'Service': {
      const type = str(spec?.type) ?? 'ClusterIP';
      facts.services.push({
        name,
        ...ns,
        type,
        typeAt: refAt(file, spec ?? doc, spec && 'type' in spec ? 'type' : undefined, 'spec.type'),
        selector: Object.fromEntries(
          Object.entries(rec(spec?.selector) ?? {}).map(([k, v]) => [k, str(v) ?? '']),
        ),
        ports: arr(spec?.ports)
          .map((p, i) => {
            const r = rec(p);
            const port = num(r?.port);
            if (!r || port === undefined) return undefined;
            const target = num(r.targetPort) ?? str(r.targetPort);
            const portName = str(r.name);
            return {
              port,
              ...(target !== undefined ? { targetPort: target } : {}),
              ...(portName ? { name: portName } : {}),
              at: refAt(file, arr(spec?.ports), i, `spec.ports[${i}]`),
            };
          })
          .filter((p) => p !== undefined),
        at,
      });
      return;
    }
    case 'Ingress': {
      const annotations = rec(metadata?.annotations) ?? {};
      const passthrough = str(annotations['nginx.ingress.kubernetes.io/ssl-passthrough']) === 'true';
      const route: RouteFacts = {
        kind,
        name,
        ...ns,
        backends: [],
        tls: arr(spec?.tls).length > 0 || passthrough,
        at,
      };
      const backend = (b: unknown, where: SourceRef) => {
        const r = rec(b);
        if (!r) return;
        const service = rec(r.service);
        if (service) {
          const port = rec(service.port);
          const number = num(port?.number);
          const portName = str(port?.name);
          route.backends.push({
            service: str(service.name) ?? '',
            ...(number !== undefined ? { port: number } : portName ? { port: portName } : {}),
            at: where,
          });
        } else if (str(r.serviceName)) {
          const p = num(r.servicePort) ?? str(r.servicePort);
          route.backends.push({
            service: str(r.serviceName)!,
            ...(p !== undefined ? { port: p } : {}),
            at: where,
          });
        }
      };
      if (spec?.defaultBackend)
        backend(spec.defaultBackend, refAt(file, spec, 'defaultBackend', 'spec.defaultBackend'));
      if (spec?.backend) backend(spec.backend, refAt(file, spec, 'backend', 'spec.backend'));
      arr(spec?.rules).forEach((rule, i) => {
        const paths = arr(rec(rec(rule)?.http)?.paths);
        paths.forEach((p, j) => {
          const pr = rec(p);
          backend(pr?.backend, refAt(file, pr, 'backend', `spec.rules[${i}].http.paths[${j}].backend`));
        });
      });
      facts.routes.push(route);
      return;
    }
    case 'Route': {
      if (!apiVersion.startsWith('route.openshift.io')) return;
      const to = rec(spec?.to);
      const target = rec(spec?.port)?.targetPort;
      const port = num(target) ?? str(target);
      facts.routes.push({
        kind,
        name,
        ...ns,
        backends: to
          ? [
              {
                service: str(to.name) ?? '',
                ...(port !== undefined ? { port } : {}),
                at: refAt(file, spec, 'to', 'spec.to'),
              },
            ]
          : [],
        tls: rec(spec?.tls) !== undefined,
        at,
      });
      return;
    }
    case 'NetworkPolicy': {
      const policyTypes = arr(spec?.policyTypes).map((t) => str(t));
      const coversIngress = policyTypes.length === 0 || policyTypes.includes('Ingress');
      const ingressRules = arr(spec?.ingress);
      const open = ingressRules.some((rule) => {
        const from = arr(rec(rule)?.from);
        if (from.length === 0) return true;
        return from.some((peer) => {
          const p = rec(peer);
          const cidr = str(rec(p?.ipBlock)?.cidr);
          if (cidr === '0.0.0.0/0' || cidr === '::/0') return true;
          const nsSel = rec(p?.namespaceSelector);
          return nsSel !== undefined && Object.keys(nsSel).length === 0 && p?.podSelector === undefined;
        });
      });
      facts.networkPolicies.push({
        name,
        ...ns,
        podSelector: parseLabelSelector(spec?.podSelector),
        restrictsIngress: coversIngress && !open,
        at,
      });
      return;
    }
    case 'Secret': {
      const values = new Map<string, { value: string; at: SourceRef }>();
      const data = rec(doc.data);
      for (const [key, v] of Object.entries(data ?? {})) {
        const text = str(v);
        if (text === undefined) continue;
        values.set(key, {
          value: Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8'),
          at: refAt(file, data, key, `data.${key}`),
        });
      }
      const stringData = rec(doc.stringData);
      for (const [key, v] of Object.entries(stringData ?? {})) {
        const text = str(v);
        if (text !== undefined)
          values.set(key, { value: text, at: refAt(file, stringData, key, `stringData.${key}`) });
      }
      facts.secrets.push({ name, ...ns, values, at });
      return;
    }
    case 'ConfigMap': {
      const data = rec(doc.data);
      const entries = new Map<string, { value: string; at: SourceRef }>();
      for (const [key, v] of Object.entries(data ?? {})) {
        const text = str(v);
        if (text !== undefined) entries.set(key, { value: text, at: refAt(file, data, key, `data.${key}`) });
      }
      facts.configMaps.push({ name, ...ns, data: entries, at });
      return;
    }
    default:
      break;
  }
  if (GATEWAY_ROUTES.has(kind) && apiVersion.startsWith('gateway.networking.k8s.io')) {
    const route: RouteFacts = { kind, name, ...ns, backends: [], tls: kind === 'TLSRoute', at };
    arr(spec?.rules).forEach((rule, i) => {
      arr(rec(rule)?.backendRefs).forEach((b, j) => {
        const r = rec(b);
        if (!r) return;
        const port = num(r.port);
        route.backends.push({
          service: str(r.name) ?? '',
          ...(port !== undefined ? { port } : {}),
          at: refAt(file, arr(rec(rule)?.backendRefs), j, `spec.rules[${i}].backendRefs[${j}]`),
        });
      });
    });
    facts.routes.push(route);
    return;
  }
  const podPath = WORKLOAD_POD_PATHS[kind];
  if (podPath) {
    let podSpec: unknown = doc;
    for (const part of podPath.split('.')) podSpec = rec(podSpec)?.[part];
    const metaPath = podPath.replace(/\.spec$/, '.metadata').replace(/^spec$/, 'metadata');
    let podMeta: unknown = doc;
    for (const part of metaPath.split('.')) podMeta = rec(podMeta)?.[part];
    const pod = parsePodSpec(file, podSpec, podPath, podMeta);
    for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      addImage(facts, c, `${kind} ${name} container ${c.name}`);
      for (const e of c.env) facts.envSettings.push({ env: e });
    }
  }
}
