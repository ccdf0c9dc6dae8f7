import type { FindingDraft } from '../finding.ts';
import { serviceSelectsHead } from '../posture.ts';
import { isLoopback, SERVE_HTTP_PORT } from '../ports.ts';
import { DOCS, type RayRule } from './rule.ts';

export const RAY_SRV_016: RayRule = {
  id: 'RAY-SRV-016',
  name: 'serve-exposed',
  title: 'Ray Serve published without a gateway in front',
  severities: ['medium'],
  inputs: ['kubernetes', 'compose', 'shell', 'serve-config'],
  help:
    'Ray Serve\'s HTTP proxy has no authentication; HTTPOptions.host defaults to 127.0.0.1 ("to expose Serve ' +
    'publicly, you probably want to set this to 0.0.0.0"). Reported: a RayService serveService or another ' +
    'Service of type LoadBalancer/NodePort publishing port 8000 of Ray pods, a container publishing 8000 on a ' +
    'non-loopback address, and `serve start --http-host` beyond loopback on a host. Whether an authenticating ' +
    'gateway sits in front cannot be seen from these files; if one does, this finding can be ignored.',
  fix: 'Keep the Serve Service ClusterIP behind an Ingress or API gateway that authenticates and terminates TLS (or set ssl_keyfile/ssl_certfile and put authentication in the application).',
  helpUri: DOCS.serveHttp,
  check(context) {
    const out: FindingDraft[] = [];
    for (const cluster of context.facts.clusters) {
      const serve = cluster.kuberay?.serveService;
      if (serve?.type === 'LoadBalancer' || serve?.type === 'NodePort') {
        out.push({
          severity: 'medium',
          message: `serveService of ${cluster.label} is of type ${serve.type}: Serve answers anyone who reaches the node or load balancer, without authentication`,
          at: serve.at,
          clusterId: cluster.id,
          key: 'serveService',
        });
      }
      if (cluster.kind === 'kuberay') {
        const serveNames = cluster.kuberay?.crKind === 'RayService' ? [`${cluster.name}-serve-svc`] : [];
        for (const service of context.facts.services) {
          if (service.type !== 'LoadBalancer' && service.type !== 'NodePort') continue;
          if (!serveNames.includes(service.name) && !serviceSelectsHead(cluster, service)) continue;
          if (
            !service.ports.some(
              (p) => (typeof p.targetPort === 'number' ? p.targetPort : p.port) === SERVE_HTTP_PORT,
            )
          )
            continue;
          out.push({
            severity: 'medium',
            message: `Service ${service.name} of type ${service.type} publishes Serve (${SERVE_HTTP_PORT}) of ${cluster.label} without authentication`,
            at: service.typeAt,
            clusterId: cluster.id,
            key: service.name,
          });
        }
      }
      for (const node of cluster.nodes) {
        for (const port of node.run?.ports ?? []) {
          if (port.hostIp !== undefined && isLoopback(port.hostIp)) continue;
          const last = port.containerPortEnd ?? port.containerPort;
          if (SERVE_HTTP_PORT < port.containerPort || SERVE_HTTP_PORT > last) continue;
          out.push({
            severity: 'medium',
            message: `${node.label} of ${cluster.label} publishes Serve (${SERVE_HTTP_PORT}) on ${port.hostIp ?? 'every host interface'} without authentication`,
            at: port.at,
            clusterId: cluster.id,
            key: `${node.label}:${port.containerPort}`,
          });
        }
      }
    }
    for (const endpoint of context.facts.serveEndpoints) {
      if (endpoint.inContainer || isLoopback(endpoint.host) || endpoint.tls) continue;
      out.push({
        severity: 'medium',
        message: `Serve's HTTP proxy listens on ${endpoint.host} without TLS or authentication`,
        at: endpoint.at,
        ...(endpoint.clusterId ? { clusterId: endpoint.clusterId } : {}),
        key: `serve:${endpoint.host}`,
      });
    }
    return out;
  },
};
