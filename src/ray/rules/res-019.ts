import type { FindingDraft } from '../finding.ts';
import { DOCS, type RayRule } from './rule.ts';

const SUFFIX: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** Bytes in a Kubernetes quantity (`5Gi`, `512Mi`, `1G`, `1e9`, `128974848`). */
export function quantityBytes(value: string): number | undefined {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*([kMGTP]i?|)\s*$/.exec(value);
  if (!m) return undefined;
  const factor = SUFFIX[m[2]!];
  return factor === undefined ? undefined : Number(m[1]) * factor;
}

export const RAY_RES_019: RayRule = {
  id: 'RAY-RES-019',
  name: 'resource-limits',
  title: 'Ray containers without resource limits, or an object store larger than the container',
  severities: ['low'],
  inputs: ['kubernetes'],
  help:
    'A head or worker container without resources.limits.cpu and .memory lets one job starve the node (and Ray ' +
    "sizes itself from the node, not the pod). --object-store-memory above the container's memory limit gets the " +
    "pod killed; Ray's default is 30% of memory, capped by /dev/shm and 200 GB. A --temp-dir on a hostPath, NFS " +
    'or shared volume puts session logs and spilled objects (plain task data, unencrypted) where others can read ' +
    'them. Low: these are robustness and data-at-rest concerns, not exposure.',
  fix: 'Set resources.limits.cpu and .memory equal to requests on every Ray container, size --object-store-memory below the memory limit, and keep --temp-dir on an emptyDir.',
  helpUri: DOCS.startParams,
  check(context) {
    const out: FindingDraft[] = [];
    for (const cluster of context.facts.clusters) {
      if (cluster.kind !== 'kuberay') continue;
      for (const node of cluster.nodes) {
        const container = node.container;
        if (!container) continue;
        const limits = container.resources;
        const missing = [!limits?.limitsCpu ? 'cpu' : '', !limits?.limitsMemory ? 'memory' : ''].filter(
          (m) => m,
        );
        if (missing.length > 0) {
          out.push({
            severity: 'low',
            message: `${node.label} container ${container.name} of ${cluster.label} has no resources.limits.${missing.join(' or .')}`,
            at: limits?.at ?? container.at,
            clusterId: cluster.id,
            key: `${node.label}:limits`,
          });
        }
        const store = node.start?.flags.get('object-store-memory');
        const memory = limits?.limitsMemory ? quantityBytes(limits.limitsMemory) : undefined;
        const storeBytes = store && store.value !== true ? quantityBytes(store.value) : undefined;
        if (store && storeBytes !== undefined && memory !== undefined && storeBytes > memory) {
          out.push({
            severity: 'low',
            message: `--object-store-memory (${String(store.value)} bytes) of ${node.label} is larger than the container's memory limit (${limits!.limitsMemory})`,
            at: store.at,
            clusterId: cluster.id,
            key: `${node.label}:object-store`,
          });
        }
        const temp = node.start?.flags.get('temp-dir');
        if (temp && temp.value !== true) {
          const dir = temp.value;
          const mount = container.volumeMounts
            .filter((m) => dir === m.mountPath || dir.startsWith(`${m.mountPath.replace(/\/$/, '')}/`))
            .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
          const volume = mount ? node.pod?.volumes.find((v) => v.name === mount.name) : undefined;
          if (volume && ['hostPath', 'nfs', 'persistentVolumeClaim'].includes(volume.kind)) {
            out.push({
              severity: 'low',
              message: `--temp-dir ${dir} of ${node.label} lies on ${volume.kind} volume ${volume.name}: session logs and spilled objects land on shared storage`,
              at: temp.at,
              clusterId: cluster.id,
              key: `${node.label}:temp-dir`,
            });
          }
        }
      }
    }
    return out;
  },
};
