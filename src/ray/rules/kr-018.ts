import type { FindingDraft } from '../finding.ts';
import { DOCS, type RayRule } from './rule.ts';

/** Characters the shell acts on; a plain `$NAME` / `${NAME}` reference is KubeRay's documented way to use env values. */
const METACHARACTERS = /[;|&`<>\n\r\\]|\$\(|\$\{[^}]*[^A-Za-z0-9_}][^}]*\}/;
const FLAG_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export const RAY_KR_018: RayRule = {
  id: 'RAY-KR-018',
  name: 'start-params-shell-injection',
  title: 'Shell metacharacters in rayStartParams',
  severities: ['high'],
  inputs: ['kubernetes'],
  help:
    "KubeRay joins rayStartParams into the container's `ray start` command line unquoted (` --key=value `, " +
    'kuberay common/pod.go convertParamMap) and runs it through a shell, so `;`, `|`, `&`, backquotes, `$(…)`, ' +
    'redirections or newlines in a key or value run extra commands in every Ray pod. A fix that blocks shell ' +
    'expansion exists on a KubeRay branch but is not in v1.7.0. Plain `$NAME` references (`$MY_POD_IP`, ' +
    '`$REDIS_PASSWORD`) are how KubeRay itself passes env values and are not reported.',
  fix: 'Remove shell syntax from rayStartParams; pass values through container env and reference them as $NAME, or set them in the container command you control.',
  helpUri: DOCS.startParams,
  check(context) {
    const out: FindingDraft[] = [];
    for (const cluster of context.facts.clusters) {
      if (cluster.kind !== 'kuberay') continue;
      for (const node of cluster.nodes) {
        const start = node.start;
        if (!start || start.origin !== 'kuberay') continue;
        for (const flag of start.flags.values()) {
          if (flag.implicit) continue;
          const rawKey = flag.at.field?.split('rayStartParams.')[1] ?? flag.name;
          const badKey = !FLAG_NAME.test(rawKey);
          const badValue = flag.value !== true && METACHARACTERS.test(flag.value);
          if (!badKey && !badValue) continue;
          out.push({
            severity: 'high',
            message: badKey
              ? `rayStartParams key '${rawKey}' of ${node.label} (${cluster.label}) is not a flag name; KubeRay pastes it into a shell command`
              : `rayStartParams ${rawKey} of ${node.label} (${cluster.label}) holds shell syntax ('${String(flag.value).replace(/\n/g, '\\n').slice(0, 80)}'); KubeRay pastes it unquoted into the shell that runs ray start`,
            at: flag.at,
            clusterId: cluster.id,
            key: `${node.label}:${rawKey}`,
          });
        }
      }
    }
    return out;
  },
};
