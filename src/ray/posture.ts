import type {
  EnvSetting,
  NetworkPolicyFacts,
  RayClusterFacts,
  RayFacts,
  RayNodeFacts,
  RouteFacts,
  ServiceFacts,
  SourceRef,
} from './model.ts';
import { selectorMatches } from './parse/labels.ts';
import { RAY_CONTROL_PORT_NAMES, RAY_CONTROL_PORTS, controlPortsIn, isLoopback } from './ports.ts';
import { isFalseValue } from './shell/ray-start.ts';
import { versionBelow } from './versions.ts';

/**
 * The security posture of one cluster, computed once and shared by the rules so that combinations agree:
 * whether token authentication is on for every node, what is reachable from where, and whether a network
 * policy isolates the pods. Exposure without token authentication is what made ShadowRay possible.
 */

export type NodeAuth = 'token' | 'disabled' | 'missing' | 'unseen';

export interface AuthPosture {
  /**
   * Token authentication protects the head (dashboard, Jobs API, GCS, Ray Client) and the Ray version
   * supports it. A worker without it cannot join such a head; that mismatch is RAY-AUTH-004's concern.
   */
  enabled: boolean;
  /** Every node asks for token authentication. */
  consistent: boolean;
  /** Some node or `authOptions` asks for token authentication. */
  requested: boolean;
  /** The mode some node gets comes from a Secret, ConfigMap or shell expansion raygate cannot read. */
  unseen: boolean;
  nodes: { node: RayNodeFacts; mode: NodeAuth; at?: SourceRef }[];
  /** KubeRay `authOptions` turning token authentication on (the operator injects the variables). */
  viaAuthOptions?: SourceRef;
  explicitlyDisabled?: SourceRef;
  /** Token authentication was asked for on a Ray version that does not have it (< 2.52.0). */
  unsupportedVersion?: { version: string; at: SourceRef };
  /** KubeRay refuses the resource's authOptions, so the cluster is never created as written. */
  rejectedByKubeRay?: string;
  evidence: SourceRef[];
}

export interface Exposure {
  ruleId: 'RAY-NET-005' | 'RAY-NET-006' | 'RAY-NET-007';
  /** What is reachable, for messages. */
  what: string;
  at: SourceRef;
  /** Traffic is encrypted on the way in (Ingress TLS, TLS passthrough). */
  tls: boolean;
  /** Only SSH (the launcher's default security group), not a Ray port. */
  sshOnly?: boolean;
  /** Why the setting applies when nobody wrote it (KubeRay's default dashboard-host). */
  implicit?: string;
}

export interface ClusterPosture {
  auth: AuthPosture;
  exposures: Exposure[];
  /** Ingress to the Ray pods is restricted (KubeRay networkPolicy or a NetworkPolicy among the inputs). */
  isolated: boolean;
  isolation?: SourceRef;
  /** True when something beyond the cluster's own network reaches a Ray control port. */
  exposed: boolean;
}

export const TOKEN_AUTH_SINCE = '2.52.0';

export function computePosture(cluster: RayClusterFacts, facts: RayFacts): ClusterPosture {
  const auth = authPosture(cluster, facts);
  const isolation = isolationOf(cluster, facts);
  const exposures = [
    ...dashboardExposures(cluster),
    ...(cluster.kind === 'kuberay' ? kubernetesExposures(cluster, facts) : []),
    ...hostExposures(cluster),
  ];
  const exposed =
    exposures.some((e) => (e.ruleId === 'RAY-NET-006' || e.ruleId === 'RAY-NET-007') && !e.sshOnly) ||
    (exposures.some((e) => e.ruleId === 'RAY-NET-005') && !isolation);
  return { auth, exposures, isolated: isolation !== undefined, ...(isolation ? { isolation } : {}), exposed };
}

/** The last setting of an environment variable in a list (later settings win). */
export function envIn(env: readonly EnvSetting[], name: string): EnvSetting | undefined {
  let found: EnvSetting | undefined;
  for (const e of env) if (e.name === name) found = e;
  return found;
}

/** The last setting of an environment variable on a node. */
export function envOf(node: RayNodeFacts, name: string): EnvSetting | undefined {
  return envIn(node.env, name);
}

function authPosture(cluster: RayClusterFacts, facts: RayFacts): AuthPosture {
  const evidence: SourceRef[] = [];
  const options = cluster.kuberay?.authOptions;
  const modeByOptions = options ? (options.mode?.value ?? 'token').toLowerCase() : undefined;
  const viaAuthOptions = modeByOptions === 'token' ? (options!.mode?.at ?? options!.at) : undefined;
  if (viaAuthOptions) evidence.push(viaAuthOptions);
  let explicitlyDisabled: SourceRef | undefined =
    modeByOptions === 'disabled' ? (options!.mode?.at ?? options!.at) : undefined;
  let unseen = false;
  const nodes = cluster.nodes.map((node) => {
    const setting = envOf(node, 'RAY_AUTH_MODE');
    let mode: NodeAuth;
    if (setting) {
      if (setting.source === 'literal') {
        const value = (setting.value ?? '').trim().toLowerCase();
        mode = value === 'token' ? 'token' : value === 'disabled' ? 'disabled' : 'missing';
        if (mode === 'disabled') explicitlyDisabled ??= setting.at;
      } else mode = 'unseen';
    } else if (viaAuthOptions) mode = 'token';
    else if (node.container?.envFrom.length) mode = 'unseen';
    else mode = 'missing';
    // authOptions wins over a container's own variable: the operator sets RAY_AUTH_MODE itself.
    if (viaAuthOptions && mode !== 'disabled') mode = 'token';
    if (mode === 'unseen') unseen = true;
    if (mode === 'token' && setting) evidence.push(setting.at);
    return { node, mode, ...(setting ? { at: setting.at } : {}) };
  });
  const requested = viaAuthOptions !== undefined || nodes.some((n) => n.mode === 'token');
  const version = cluster.rayVersion;
  // Any Ray version the cluster runs (spec.rayVersion, an image tag, a pip pin) that predates token auth.
  const old = [
    ...(version ? [{ version: version.value, at: version.at }] : []),
    ...facts.versions.filter((v) => v.clusterId === cluster.id && v.source !== 'rayVersion'),
  ].find((v) => versionBelow(v.version, TOKEN_AUTH_SINCE));
  const unsupportedVersion = requested && old ? { version: old.version, at: old.at } : undefined;
  const rejectedByKubeRay = viaAuthOptions ? kuberayRejects(cluster) : undefined;
  const heads = nodes.filter((n) => n.node.role === 'head');
  const enabled =
    heads.length > 0 && heads.every((n) => n.mode === 'token') && !unsupportedVersion && !rejectedByKubeRay;
  const consistent = nodes.length > 0 && nodes.every((n) => n.mode === 'token');
  return {
    enabled,
    consistent,
    requested,
    unseen,
    nodes,
    ...(viaAuthOptions ? { viaAuthOptions } : {}),
    ...(explicitlyDisabled ? { explicitlyDisabled } : {}),
    ...(unsupportedVersion ? { unsupportedVersion } : {}),
    ...(rejectedByKubeRay ? { rejectedByKubeRay } : {}),
    evidence,
  };
}

/**
 * Why KubeRay's admission checks refuse the resource's authOptions (kuberay utils/validation.go): token mode
 * needs spec.rayVersion ≥ 2.52.0; enableK8sTokenAuth needs mode token, Ray ≥ 2.55.0, no secretName, and a
 * standalone RayCluster.
 */
export function kuberayRejects(cluster: RayClusterFacts): string | undefined {
  const options = cluster.kuberay?.authOptions;
  if (!options) return undefined;
  const version = cluster.rayVersion?.value;
  const mode = (options.mode?.value ?? 'token').toLowerCase();
  if (mode === 'token' && !version) return 'authOptions without spec.rayVersion';
  if (mode === 'token' && version && versionBelow(version, TOKEN_AUTH_SINCE))
    return `authOptions on Ray ${version} (needs ${TOKEN_AUTH_SINCE})`;
  if (options.enableK8sTokenAuth?.value) {
    if (mode !== 'token') return 'enableK8sTokenAuth without mode token';
    if (version && versionBelow(version, '2.55.0'))
      return `enableK8sTokenAuth on Ray ${version} (needs 2.55.0)`;
    if (options.secretName) return 'enableK8sTokenAuth together with secretName';
    if (cluster.kuberay!.crKind !== 'RayCluster') return `enableK8sTokenAuth on a ${cluster.kuberay!.crKind}`;
  }
  return undefined;
}

/** Heads whose dashboard (and Jobs API) listens beyond loopback, where the bind address is the boundary. */
function dashboardExposures(cluster: RayClusterFacts): Exposure[] {
  const out: Exposure[] = [];
  for (const node of cluster.nodes) {
    if (node.role !== 'head' || !node.start) continue;
    if (isFalseValue(node.start.flags.get('include-dashboard')?.value)) continue;
    // In a bridged container the bind address only matters through what the runtime publishes (RAY-NET-007).
    if (node.run && !node.run.hostNetwork) continue;
    const flag = node.start.flags.get('dashboard-host');
    if (!flag || flag.value === true || isLoopback(flag.value)) continue;
    out.push({
      ruleId: 'RAY-NET-005',
      what: `the dashboard and Jobs API (port ${portOf(node, 'dashboard-port', 8265)}) listen on ${flag.value}`,
      at: flag.at,
      tls: false,
      ...(flag.implicit ? { implicit: flag.implicit } : {}),
    });
  }
  return out;
}

function portOf(node: RayNodeFacts, flag: string, fallback: number): number {
  const value = node.start?.flags.get(flag)?.value;
  const n = typeof value === 'string' ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** The control ports a head pod listens on, from its flags (defaults otherwise). */
function headControlPorts(node: RayNodeFacts | undefined): Map<number, string> {
  const ports = new Map(RAY_CONTROL_PORTS);
  if (!node) return ports;
  const remap = (flag: string, fallback: number) => {
    const port = portOf(node, flag, fallback);
    if (port !== fallback) {
      ports.set(port, ports.get(fallback)!);
      ports.delete(fallback);
    }
  };
  remap('port', 6379);
  remap('dashboard-port', 8265);
  remap('ray-client-server-port', 10001);
  remap('dashboard-agent-listen-port', 52365);
  return ports;
}

function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '') === (b ?? '') || a === undefined || b === undefined;
}

/** True when a label selector picks the cluster's head pods. */
export function selectsHead(
  cluster: RayClusterFacts,
  selector: Parameters<typeof selectorMatches>[0],
): boolean {
  const head = cluster.nodes.find((n) => n.role === 'head');
  if (!head?.labels) return false;
  const unknown = new Set<string>();
  const clusterValue = selector.matchLabels['ray.io/cluster'];
  const prefix = cluster.clusterLabel?.prefix;
  if (clusterValue !== undefined && prefix !== undefined) {
    if (!clusterValue.startsWith(prefix)) return false;
    unknown.add('ray.io/cluster');
  }
  return selectorMatches(selector, head.labels, unknown);
}

export function serviceSelectsHead(cluster: RayClusterFacts, service: ServiceFacts): boolean {
  if (!sameNamespace(cluster.namespace, service.namespace) || Object.keys(service.selector).length === 0)
    return false;
  return selectsHead(cluster, { matchLabels: service.selector, matchExpressions: [] });
}

/** Ports of a route backend that are Ray control ports, given the Service it points at. */
export function controlPortsOfBackend(
  backend: RouteFacts['backends'][number],
  service: ServiceFacts | undefined,
  ports: ReadonlyMap<number, string>,
): string[] {
  const out: string[] = [];
  const p = backend.port;
  if (typeof p === 'number') {
    const svcPort = service?.ports.find((sp) => sp.port === p);
    const target = typeof svcPort?.targetPort === 'number' ? svcPort.targetPort : p;
    const what =
      ports.get(target) ??
      (svcPort?.name && RAY_CONTROL_PORT_NAMES.has(svcPort.name) ? svcPort.name : undefined);
    if (what) out.push(`${target} (${what})`);
  } else if (typeof p === 'string' && RAY_CONTROL_PORT_NAMES.has(p)) {
    out.push(`'${p}'`);
  } else if (p === undefined && service) {
    for (const sp of service.ports) if (ports.has(sp.port)) out.push(`${sp.port} (${ports.get(sp.port)})`);
  }
  return out;
}

function kubernetesExposures(cluster: RayClusterFacts, facts: RayFacts): Exposure[] {
  const out: Exposure[] = [];
  const kuberay = cluster.kuberay!;
  const head = cluster.nodes.find((n) => n.role === 'head');
  const ports = headControlPorts(head);
  const portList = [...ports].map(([p, w]) => `${p} (${w})`).join(', ');
  for (const setting of [kuberay.headServiceType, kuberay.headServiceSpecType]) {
    if (setting && (setting.value === 'LoadBalancer' || setting.value === 'NodePort')) {
      out.push({
        ruleId: 'RAY-NET-006',
        what: `the head Service is of type ${setting.value}, publishing ${portList} outside the cluster`,
        at: setting.at,
        tls: false,
      });
    }
  }
  if (kuberay.enableIngress?.value) {
    out.push({
      ruleId: 'RAY-NET-006',
      what: `enableIngress makes KubeRay create an Ingress to the dashboard and Jobs API${kuberay.ingressTls ? '' : ' without TLS (ingressOptions.tls is not set)'}`,
      at: kuberay.enableIngress.at,
      tls: kuberay.ingressTls !== undefined,
    });
  }
  const headServices = new Set(cluster.headServiceNames ?? []);
  const servicesFor = facts.services.filter(
    (s) =>
      sameNamespace(s.namespace, cluster.namespace) &&
      (headServices.has(s.name) || serviceSelectsHead(cluster, s)),
  );
  for (const service of servicesFor) {
    if (service.type !== 'LoadBalancer' && service.type !== 'NodePort') continue;
    const exposed = service.ports.flatMap((sp) => {
      const target = typeof sp.targetPort === 'number' ? sp.targetPort : sp.port;
      const what = ports.get(target);
      return what ? [`${target} (${what})`] : [];
    });
    if (exposed.length === 0) continue;
    out.push({
      ruleId: 'RAY-NET-006',
      what: `Service ${service.name} of type ${service.type} publishes ${exposed.join(', ')} of the head`,
      at: service.typeAt,
      tls: false,
    });
  }
  for (const route of facts.routes) {
    if (!sameNamespace(route.namespace, cluster.namespace)) continue;
    for (const backend of route.backends) {
      const service = servicesFor.find((s) => s.name === backend.service);
      if (!headServices.has(backend.service) && !service) continue;
      const exposed = controlPortsOfBackend(backend, service, ports);
      if (exposed.length === 0) continue;
      out.push({
        ruleId: 'RAY-NET-006',
        what: `${route.kind} ${route.name} routes to ${backend.service} port ${exposed.join(', ')}${route.tls ? '' : ' without TLS'}`,
        at: backend.at,
        tls: route.tls,
      });
    }
  }
  return out;
}

function hostExposures(cluster: RayClusterFacts): Exposure[] {
  const out: Exposure[] = [];
  for (const node of cluster.nodes) {
    const run = node.run;
    if (!run) continue;
    for (const port of run.ports) {
      if (port.hostIp !== undefined && isLoopback(port.hostIp)) continue;
      const hits = controlPortsIn(port.containerPort, port.containerPortEnd);
      if (hits.length === 0) continue;
      out.push({
        ruleId: 'RAY-NET-007',
        what: `${node.label} publishes ${hits.map((h) => `${h.port} (${h.what})`).join(', ')} on ${port.hostIp ?? 'every host interface'}`,
        at: port.at,
        tls: false,
      });
    }
    if (run.hostNetwork && node.role === 'head') {
      out.push({
        ruleId: 'RAY-NET-007',
        what: `${node.label} shares the host's network, so the GCS (6379) and Ray Client (10001) listen on the host's interfaces`,
        at: run.hostNetwork,
        tls: false,
      });
    }
  }
  const launcher = cluster.launcher;
  if (launcher) {
    for (const rule of launcher.ingressRules) {
      const world = rule.cidrs.filter((c) => c === '0.0.0.0/0' || c === '::/0');
      if (world.length === 0) continue;
      const all = rule.protocol === '-1' || rule.fromPort === undefined || rule.fromPort === -1;
      const hits = all
        ? [...RAY_CONTROL_PORTS].map(([port, what]) => ({ port, what }))
        : controlPortsIn(rule.fromPort!, rule.toPort ?? rule.fromPort);
      if (hits.length === 0) continue;
      out.push({
        ruleId: 'RAY-NET-007',
        what: `the security group opens ${hits.map((h) => `${h.port} (${h.what})`).join(', ')} to ${world.join(' and ')}`,
        at: rule.at,
        tls: false,
      });
    }
    if (launcher.provider?.type === 'aws' && !launcher.ownSecurityGroups) {
      out.push({
        ruleId: 'RAY-NET-007',
        what: "no node type brings its own SecurityGroupIds, so the launcher's default security group opens SSH (22) to 0.0.0.0/0",
        at: launcher.provider.at,
        tls: false,
        sshOnly: true,
      });
    }
  }
  return out;
}

/** Where ingress to the head is restricted, if it is. */
function isolationOf(cluster: RayClusterFacts, facts: RayFacts): SourceRef | undefined {
  if (cluster.kind === 'kuberay') {
    const policy = cluster.kuberay?.networkPolicy;
    if (policy && (policy.mode === 'DenyAll' || policy.mode === 'DenyAllIngress')) return policy.at;
    const matching = facts.networkPolicies.find(
      (p: NetworkPolicyFacts) =>
        p.restrictsIngress &&
        sameNamespace(p.namespace, cluster.namespace) &&
        selectsHead(cluster, p.podSelector),
    );
    return matching?.at;
  }
  if (cluster.kind === 'launcher') {
    const launcher = cluster.launcher!;
    // The launcher's own AWS security group admits only the cluster itself (and SSH) unless rules are added.
    if (launcher.provider?.type === 'aws' && !launcher.ownSecurityGroups) return launcher.provider.at;
  }
  return undefined;
}

/** True when a version string is below what token authentication needs. */
export function lacksTokenAuth(version: string | undefined): boolean {
  return version !== undefined && versionBelow(version, TOKEN_AUTH_SINCE);
}
