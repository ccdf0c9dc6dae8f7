import type {
  EnvSetting,
  LauncherFacts,
  RayClusterFacts,
  RayFacts,
  RayNodeFacts,
  SecurityGroupRule,
  SourceRef,
} from '../model.ts';
import { parseShell } from '../shell/lexer.ts';
import { analyzeShell } from '../shell/script.ts';
import { parseDockerRun } from '../shell/docker-run.ts';
import { isRayImage, parseImageRef, rayVersionOfTag } from './image-ref.ts';
import { arr, num, rec, refAt, str } from './nav.ts';
import { collectShell } from './shell-facts.ts';

/**
 * Ray cluster-launcher configs (`ray up cluster.yaml`). Each list item of the `*_commands` fields runs in its
 * own login shell on the node, so an `export` inside one item is gone by the next; the documented way to set an
 * environment variable for `ray start` is writing it to `~/.bashrc` in a setup command. With `docker.image`
 * set, `initialization_commands` run on the host VM, outside the container Ray runs in.
 */

/** True for a parsed document shaped like a cluster-launcher config. */
export function isLauncherDocument(doc: Record<string, unknown>): boolean {
  return (
    'cluster_name' in doc &&
    ('provider' in doc ||
      'head_start_ray_commands' in doc ||
      'available_node_types' in doc ||
      'head_node_type' in doc)
  );
}

/** What `ray up` runs when the config gives no `head_start_ray_commands` (the launcher's defaults). */
const DEFAULT_HEAD_START =
  'ray start --head --port=6379 --object-manager-port=8076 --autoscaling-config=~/ray_bootstrap_config.yaml';
const DEFAULT_WORKER_START = 'ray start --address=$RAY_HEAD_IP:6379 --object-manager-port=8076';

export function parseLauncherDocument(file: string, doc: Record<string, unknown>, facts: RayFacts): void {
  const name = str(doc.cluster_name) ?? 'default';
  const id = `launcher/${name}@${file}`;
  const provider = rec(doc.provider);
  const providerType = str(provider?.type);
  const launcher: LauncherFacts = {
    ...(providerType
      ? { provider: { type: providerType, at: refAt(file, provider, 'type', 'provider.type') } }
      : {}),
    ownSecurityGroups: hasOwnSecurityGroups(doc),
    ingressRules: securityGroupRules(file, provider),
  };
  const cluster: RayClusterFacts = {
    id,
    label: `cluster launcher config '${name}'`,
    kind: 'launcher',
    name,
    file,
    at: refAt(file, doc, 'cluster_name', 'cluster_name'),
    nodes: [],
    launcher,
  };

  const docker = rec(doc.docker);
  const images: Record<'head' | 'worker', { image?: string; at?: SourceRef }> = { head: {}, worker: {} };
  for (const role of ['head', 'worker'] as const) {
    const specific = str(docker?.[`${role}_image`]);
    const common = str(docker?.image);
    const image = specific || common;
    if (image)
      images[role] = {
        image,
        at: refAt(
          file,
          docker,
          specific ? `${role}_image` : 'image',
          `docker.${specific ? `${role}_image` : 'image'}`,
        ),
      };
  }
  const seenImages = new Set<string>();
  for (const { image, at } of Object.values(images)) {
    if (!image || !at || seenImages.has(`${image}@${at.line}`)) continue;
    seenImages.add(`${image}@${at.line}`);
    facts.images.push({ reference: image, at, context: 'cluster launcher docker image', clusterId: id });
    const ref = parseImageRef(image);
    const version = ref && isRayImage(ref) ? rayVersionOfTag(ref.tag) : undefined;
    if (version) facts.versions.push({ version, source: 'image', at, image, rayData: true, clusterId: id });
  }
  const dockerEnabled = Object.values(images).some((i) => i.image);

  const commandList = (key: string) =>
    arr(doc[key]).map((item, i) => ({
      text: str(item) ?? '',
      line: refAt(file, arr(doc[key]), i, key).line ?? 1,
      field: `${key}[${i}]`,
    }));

  for (const role of ['head', 'worker'] as const) {
    const dockerEnv = dockerRunEnv(file, docker, role);
    const profile = new Map<string, EnvSetting>();
    const lists = [
      ...(dockerEnabled ? [] : ['initialization_commands']),
      'setup_commands',
      `${role}_setup_commands`,
    ];
    for (const key of lists) {
      for (const item of commandList(key)) {
        const shell = analyzeShell(item.text, item.line, { file, field: item.field });
        collectShell(shell, facts, id);
        for (const e of shell.profileExports) profile.set(e.name, e);
      }
    }
    const startKey = `${role}_start_ray_commands`;
    const startItems = commandList(startKey);
    const env = new Map<string, EnvSetting>([...dockerEnv.map((e) => [e.name, e] as const), ...profile]);
    const items =
      startItems.length > 0 || startKey in doc
        ? startItems
        : [
            {
              text: role === 'head' ? DEFAULT_HEAD_START : DEFAULT_WORKER_START,
              line: cluster.at.line ?? 1,
              field: `${startKey} (launcher default)`,
            },
          ];
    for (const item of items) {
      const shell = analyzeShell(item.text, item.line, { file, env, field: item.field });
      collectShell(shell, facts, id);
      for (const s of shell.starts) {
        const node: RayNodeFacts = {
          label: role === 'head' ? 'head node' : 'worker nodes',
          role: s.start.head ? 'head' : role,
          start: s.start,
          env: s.env,
          at: s.start.at,
        };
        cluster.nodes.push(node);
      }
    }
  }
  facts.clusters.push(cluster);
}

/** `-e NAME=value` in `docker.run_options` and the role's own run options. */
function dockerRunEnv(
  file: string,
  docker: Record<string, unknown> | undefined,
  role: 'head' | 'worker',
): EnvSetting[] {
  const out: EnvSetting[] = [];
  for (const key of ['run_options', `${role}_run_options`]) {
    arr(docker?.[key]).forEach((item, i) => {
      const text = str(item);
      if (!text) return;
      const line = refAt(file, arr(docker?.[key]), i, key).line ?? 1;
      const words = parseShell(text, line).flatMap((c) => [
        ...c.assignments.map((a) => ({ ...a.value, text: `${a.name}=${a.value.text}` })),
        ...c.words,
      ]);
      const parsed = parseDockerRun([...words, { text: 'image', line, dynamic: false }], file, new Map());
      out.push(...parsed.env.map((e) => ({ ...e, at: { ...e.at, field: `docker.${key}[${i}]` } })));
    });
  }
  return out;
}

function hasOwnSecurityGroups(doc: Record<string, unknown>): boolean {
  const configs: unknown[] = [doc.head_node, doc.worker_nodes];
  for (const type of Object.values(rec(doc.available_node_types) ?? {})) configs.push(rec(type)?.node_config);
  return configs.some(
    (c) =>
      arr(rec(c)?.SecurityGroupIds).length > 0 ||
      arr(rec(c)?.NetworkInterfaces).some((n) => arr(rec(n)?.Groups).length > 0),
  );
}

function securityGroupRules(
  file: string,
  provider: Record<string, unknown> | undefined,
): SecurityGroupRule[] {
  const group = rec(provider?.security_group);
  const permissions = arr(group?.IpPermissions);
  return permissions
    .map((p, i) => {
      const r = rec(p);
      if (!r) return undefined;
      const cidrs = [
        ...arr(r.IpRanges).map((x) => str(rec(x)?.CidrIp)),
        ...arr(r.Ipv6Ranges).map((x) => str(rec(x)?.CidrIpv6)),
      ].filter((c) => c !== undefined);
      const fromPort = num(r.FromPort);
      const toPort = num(r.ToPort);
      const protocol = str(r.IpProtocol);
      return {
        ...(fromPort !== undefined ? { fromPort } : {}),
        ...(toPort !== undefined ? { toPort } : {}),
        ...(protocol ? { protocol } : {}),
        cidrs,
        at: refAt(file, permissions, i, `provider.security_group.IpPermissions[${i}]`),
      };
    })
    .filter((r) => r !== undefined);
}
