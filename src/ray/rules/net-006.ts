import type { FindingDraft } from '../finding.ts';
import type { RouteFacts, ServiceFacts } from '../model.ts';
import { controlPortsOfBackend, serviceSelectsHead } from '../posture.ts';
import { RAY_CONTROL_PORTS } from '../ports.ts';
import { DOCS, type RayRule } from './rule.ts';

export const RAY_NET_006: RayRule = {
  id: 'RAY-NET-006',
  name: 'kubernetes-exposure',
  title: 'Ray head ports published outside the Kubernetes cluster',
  severities: ['critical', 'high', 'medium'],
  inputs: ['kubernetes'],
  help:
    'A head Service of type LoadBalancer or NodePort (headGroupSpec.serviceType, headService), enableIngress, or an ' +
    'Ingress, OpenShift Route or Gateway API route to the head Service on 6379 (GCS), 8265 (dashboard, Jobs API), ' +
    '10001 (Ray Client) or 52365 (dashboard agent) lets anyone who reaches it run code. Critical without token ' +
    'authentication; high with it but without TLS on the way in (Ray sends the token as a plain HTTP header); ' +
    "medium with both, since Ray still says not to expose clusters. When the route's cluster is not among the " +
    "inputs its authentication is unknown and the finding is high. Serve traffic on 8000 is RAY-SRV-016's concern.",
  fix:
    'Keep the head Service ClusterIP, drop the Ingress/Route, and reach the dashboard with `kubectl port-forward`. ' +
    'If it must be reachable, put an authenticating proxy with TLS in front, enable token authentication, and ' +
    'restrict sources with a NetworkPolicy.',
  helpUri: DOCS.security,
  check(context) {
    const out: FindingDraft[] = [];
    const claimed = new Set<string>();
    for (const cluster of context.facts.clusters) {
      const posture = context.posture(cluster);
      for (const e of posture.exposures) {
        if (e.ruleId !== 'RAY-NET-006') continue;
        claimed.add(`${e.at.file}:${e.at.line}`);
        const severity = !posture.auth.enabled ? 'critical' : e.tls ? 'medium' : 'high';
        out.push({
          severity,
          message: `${e.what} (${cluster.label}, token authentication ${posture.auth.enabled ? 'on' : 'off'})`,
          at: e.at,
          clusterId: cluster.id,
        });
      }
    }
    // Routes and Services that point at a Ray head whose cluster is not among the inputs.
    const services = context.facts.services;
    for (const route of context.facts.routes) {
      for (const backend of route.backends) {
        if (claimed.has(`${backend.at.file}:${backend.at.line}`)) continue;
        const service = services.find((s) => s.name === backend.service && sameNs(s, route));
        const ports = controlPortsOfBackend(backend, service, RAY_CONTROL_PORTS);
        const looksRay =
          /-head-svc$/.test(backend.service) || service?.selector['ray.io/node-type'] === 'head';
        if (ports.length === 0 || !looksRay || ownedByInputCluster(context, service)) continue;
        out.push({
          severity: 'high',
          message:
            `${route.kind} ${route.name} routes to ${backend.service} port ${ports.join(', ')}${route.tls ? '' : ' without TLS'}; ` +
            'the Ray cluster behind it is not among the inputs, so its authentication is unknown (critical if it has none)',
          at: backend.at,
        });
      }
    }
    for (const service of services) {
      if (service.type !== 'LoadBalancer' && service.type !== 'NodePort') continue;
      if (service.selector['ray.io/node-type'] !== 'head' && !service.selector['ray.io/cluster']) continue;
      if (
        claimed.has(`${service.typeAt.file}:${service.typeAt.line}`) ||
        ownedByInputCluster(context, service)
      )
        continue;
      const ports = service.ports.filter((p) =>
        RAY_CONTROL_PORTS.has(typeof p.targetPort === 'number' ? p.targetPort : p.port),
      );
      if (ports.length === 0) continue;
      out.push({
        severity: 'high',
        message: `Service ${service.name} of type ${service.type} publishes Ray head ports ${ports.map((p) => p.port).join(', ')}; the cluster is not among the inputs, so its authentication is unknown (critical if it has none)`,
        at: service.typeAt,
      });
    }
    return out;
  },
};

function sameNs(a: { namespace?: string }, b: RouteFacts): boolean {
  return (a.namespace ?? '') === (b.namespace ?? '');
}

function ownedByInputCluster(
  context: Parameters<typeof RAY_NET_006.check>[0],
  service: ServiceFacts | undefined,
): boolean {
  if (!service) return false;
  return context.facts.clusters.some(
    (c) =>
      c.kind === 'kuberay' && (c.headServiceNames?.includes(service.name) || serviceSelectsHead(c, service)),
  );
}
