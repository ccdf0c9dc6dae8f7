/** Ray's well-known ports and what listens there (Ray `configure.rst`, `ray_constants.py`). */
export const RAY_CONTROL_PORTS: ReadonlyMap<number, string> = new Map([
  [6379, 'GCS'],
  [8265, 'dashboard and Jobs API'],
  [10001, 'Ray Client server'],
  [52365, 'dashboard agent'],
]);

export const SERVE_HTTP_PORT = 8000;

/** Names KubeRay samples and Ray docs give those ports on containers and Services. */
export const RAY_CONTROL_PORT_NAMES = new Set([
  'gcs',
  'gcs-server',
  'redis',
  'dashboard',
  'client',
  'dashboard-agent',
]);

export const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True for an address only the machine itself can reach. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase();
  return LOOPBACK_HOSTS.has(h) || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The Ray control ports a port or port range covers, with their names. */
export function controlPortsIn(first: number, last = first): { port: number; what: string }[] {
  const out: { port: number; what: string }[] = [];
  for (const [port, what] of RAY_CONTROL_PORTS) if (port >= first && port <= last) out.push({ port, what });
  return out;
}

export interface PortSpec {
  hostIp?: string;
  hostPort?: string;
  containerPort: number;
  containerPortEnd?: number;
}

/**
 * Parses a Docker port publication: `8265`, `8265:8265`, `0.0.0.0:8265:8265`, `127.0.0.1::8265`,
 * `[::1]:8265:8265`, ranges `8000-8010:8000-8010`, and a `/tcp` or `/udp` suffix.
 */
export function parsePortSpec(text: string): PortSpec | undefined {
  const spec = text.trim().replace(/\/(tcp|udp|sctp)$/i, '');
  let hostIp: string | undefined;
  let rest = spec;
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(spec);
  if (v6) {
    hostIp = v6[1];
    rest = v6[2]!;
  }
  const parts = rest.split(':');
  let containerPart: string;
  let hostPort: string | undefined;
  if (parts.length === 1) containerPart = parts[0]!;
  else if (parts.length === 2) {
    hostPort = parts[0];
    containerPart = parts[1]!;
  } else {
    hostIp ??= parts.slice(0, parts.length - 2).join(':');
    hostPort = parts[parts.length - 2];
    containerPart = parts[parts.length - 1]!;
  }
  const range = /^(\d+)(?:-(\d+))?$/.exec(containerPart);
  if (!range) return undefined;
  const containerPort = Number(range[1]);
  const containerPortEnd = range[2] ? Number(range[2]) : undefined;
  return {
    ...(hostIp !== undefined && hostIp !== '' ? { hostIp } : {}),
    ...(hostPort ? { hostPort } : {}),
    containerPort,
    ...(containerPortEnd !== undefined ? { containerPortEnd } : {}),
  };
}
