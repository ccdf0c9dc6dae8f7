import type {
  AuthOptionsFacts,
  ContainerFacts,
  KubeRayFacts,
  RayClusterFacts,
  RayFacts,
  RayNodeFacts,
  SourceRef,
  StartFlag,
} from '../model.ts';
import { analyzeShell } from '../shell/script.ts';
import { flagsFromStartParams } from '../shell/ray-start.ts';
import { shellQuote } from './dockerfile.ts';
import { isRayImage, parseImageRef, rayVersionOfTag } from './image-ref.ts';
import { arr, bool, joinPath, rec, refAt, str, stringMap } from './nav.ts';
import { parseContainer, parsePodSpec } from './pod.ts';
import { runtimeEnvFromJson, runtimeEnvFromValue } from './runtime-env.ts';
import { readServeConfig } from './serve-config.ts';
import { lineOf, parseYaml } from '../yaml/safe-yaml.ts';

/**
 * KubeRay custom resources (ray.io/v1): RayCluster, and the clusters RayJob, RayService and RayCronJob
 * create. Field meanings and defaults follow KubeRay v1.7.0 (`ray-operator/apis/ray/v1/*_types.go`,
 * `controllers/ray/common/pod.go`).
 */

export const KUBERAY_KINDS = new Set(['RayCluster', 'RayJob', 'RayService', 'RayCronJob']);

interface Resource {
  file: string;
  doc: Record<string, unknown>;
  kind: string;
  name: string;
  namespace?: string;
}

export function parseKubeRayResource(resource: Resource, facts: RayFacts): void {
  const spec = rec(resource.doc.spec);
  if (!spec) return;
  switch (resource.kind) {
    case 'RayCluster':
      addCluster(
        resource,
        spec,
        'spec',
        'RayCluster',
        facts,
        { exact: resource.name },
        refAt(resource.file, resource.doc, 'spec', 'spec'),
      );
      return;
    case 'RayService': {
      const clusterSpec = rec(spec.rayClusterConfig);
      const cluster = clusterSpec
        ? addCluster(
            resource,
            clusterSpec,
            'spec.rayClusterConfig',
            'RayService',
            facts,
            { prefix: `${resource.name}-` },
            refAt(resource.file, spec, 'rayClusterConfig', 'spec.rayClusterConfig'),
          )
        : undefined;
      const kuberay = cluster?.kuberay;
      const serveService = rec(spec.serveService);
      if (kuberay && serveService) {
        const serveSpec = rec(serveService.spec);
        const type = str(serveSpec?.type);
        kuberay.serveService = {
          ...(type ? { type } : {}),
          at: refAt(
            resource.file,
            serveSpec ?? serveService,
            serveSpec ? 'type' : undefined,
            'spec.serveService.spec.type',
          ),
          ports: arr(serveSpec?.ports)
            .map((p) => Number(rec(p)?.port))
            .filter((p) => Number.isFinite(p)),
        };
      }
      if (cluster && kuberay) {
        cluster.headServiceNames = [`${resource.name}-head-svc`];
      }
      serveConfig(resource, spec, cluster?.id, facts);
      return;
    }
    case 'RayJob':
      rayJob(resource, spec, 'spec', facts);
      return;
    case 'RayCronJob': {
      const template = rec(spec.jobTemplate);
      if (template) rayJob(resource, template, 'spec.jobTemplate', facts);
      return;
    }
  }
}

function rayJob(resource: Resource, spec: Record<string, unknown>, path: string, facts: RayFacts): void {
  const clusterSpec = rec(spec.rayClusterSpec);
  const cluster = clusterSpec
    ? addCluster(
        resource,
        clusterSpec,
        joinPath(path, 'rayClusterSpec'),
        resource.kind as 'RayJob' | 'RayCronJob',
        facts,
        { prefix: `${resource.name}-` },
        refAt(resource.file, spec, 'rayClusterSpec', joinPath(path, 'rayClusterSpec')),
      )
    : undefined;
  const kuberay = cluster?.kuberay;
  const mode = str(spec.submissionMode);
  if (kuberay && mode) kuberay.submissionMode = mode;
  const submitter = rec(spec.submitterPodTemplate);
  if (submitter) {
    const pod = parsePodSpec(
      resource.file,
      submitter.spec,
      joinPath(path, 'submitterPodTemplate.spec'),
      submitter.metadata,
    );
    if (pod) {
      if (kuberay) kuberay.submitter = pod;
      for (const c of [...pod.containers, ...pod.initContainers]) {
        addImage(facts, c, `submitter container ${c.name}`, cluster?.id);
        for (const e of c.env)
          facts.envSettings.push({ env: e, ...(cluster ? { clusterId: cluster.id } : {}) });
        submitterRuntimeEnv(resource, c, cluster?.id, facts);
      }
    }
  }
  const runtimeEnvYAML = str(spec.runtimeEnvYAML);
  if (runtimeEnvYAML !== undefined) {
    const keyLine = lineOf(spec, 'runtimeEnvYAML') ?? 1;
    const at: SourceRef = { file: resource.file, line: keyLine, field: joinPath(path, 'runtimeEnvYAML') };
    const parsed = parseYaml(runtimeEnvYAML, resource.file, {
      lineOffset: runtimeEnvYAML.includes('\n') ? keyLine : keyLine - 1,
    });
    facts.problems.push(...parsed.problems);
    const value = rec(parsed.documents[0]?.value);
    if (value) {
      facts.runtimeEnvs.push(
        runtimeEnvFromValue(value, `${resource.kind} ${resource.name} runtimeEnvYAML`, at, cluster?.id),
      );
    }
  }
}

/** `--runtime-env-json '{…}'` in a custom submitter's arguments (the light-weight submitter sample). */
function submitterRuntimeEnv(
  resource: Resource,
  container: ContainerFacts,
  clusterId: string | undefined,
  facts: RayFacts,
): void {
  container.argv.forEach((word, i) => {
    const inline = /^--runtime-env-json=(.*)$/s.exec(word.text);
    const next = container.argv[i + 1];
    const text = inline ? inline[1]! : word.text === '--runtime-env-json' ? next?.text : undefined;
    if (text === undefined) return;
    const at: SourceRef = {
      file: resource.file,
      ...((inline ? word.line : next?.line) !== undefined
        ? { line: (inline ? word.line : next?.line)! }
        : {}),
      field: `${container.path}.args --runtime-env-json`,
    };
    const parsed = runtimeEnvFromJson(
      text,
      `${resource.kind} ${resource.name} submitter --runtime-env-json`,
      at,
      clusterId,
    );
    if ('code' in parsed) facts.problems.push(parsed);
    else facts.runtimeEnvs.push(parsed);
  });
}

function serveConfig(
  resource: Resource,
  spec: Record<string, unknown>,
  clusterId: string | undefined,
  facts: RayFacts,
): void {
  const text = str(spec.serveConfigV2);
  if (text === undefined) return;
  const keyLine = lineOf(spec, 'serveConfigV2') ?? 1;
  const parsed = parseYaml(text, resource.file, { lineOffset: text.includes('\n') ? keyLine : keyLine - 1 });
  facts.problems.push(...parsed.problems);
  const config = rec(parsed.documents[0]?.value);
  if (!config) return;
  readServeConfig(
    config,
    {
      file: resource.file,
      origin: `${resource.kind} ${resource.name} serveConfigV2`,
      fieldPrefix: 'spec.serveConfigV2 ',
      ...(clusterId ? { clusterId } : {}),
      inContainer: true,
    },
    facts,
  );
}

function addCluster(
  resource: Resource,
  spec: Record<string, unknown>,
  path: string,
  crKind: KubeRayFacts['crKind'],
  facts: RayFacts,
  clusterLabel: { exact?: string; prefix?: string },
  specAt: SourceRef,
): RayClusterFacts {
  const file = resource.file;
  const id = `${resource.kind}/${resource.namespace ?? ''}/${resource.name}@${file}`;
  const kuberay: KubeRayFacts = { crKind, specPath: path };
  const at = (container: unknown, key: string | undefined, field: string) =>
    refAt(file, container, key, field);

  const auth = rec(spec.authOptions);
  if (auth) {
    const options: AuthOptionsFacts = { at: at(spec, 'authOptions', joinPath(path, 'authOptions')) };
    const mode = str(auth.mode);
    if (mode !== undefined)
      options.mode = { value: mode, at: at(auth, 'mode', joinPath(path, 'authOptions.mode')) };
    const secretName = str(auth.secretName);
    if (secretName !== undefined)
      options.secretName = {
        value: secretName,
        at: at(auth, 'secretName', joinPath(path, 'authOptions.secretName')),
      };
    const k8s = bool(auth.enableK8sTokenAuth);
    if (k8s !== undefined)
      options.enableK8sTokenAuth = {
        value: k8s,
        at: at(auth, 'enableK8sTokenAuth', joinPath(path, 'authOptions.enableK8sTokenAuth')),
      };
    kuberay.authOptions = options;
  }
  const autoscaling = bool(spec.enableInTreeAutoscaling);
  if (autoscaling !== undefined)
    kuberay.enableInTreeAutoscaling = {
      value: autoscaling,
      at: at(spec, 'enableInTreeAutoscaling', joinPath(path, 'enableInTreeAutoscaling')),
    };
  const autoscalerOptions = rec(spec.autoscalerOptions);
  if (autoscaling === true) {
    // autoscalerOptions has a container's fields (image, env, securityContext, resources) but no name.
    const autoscaler = parseContainer(file, autoscalerOptions ?? {}, joinPath(path, 'autoscalerOptions'));
    if (autoscaler) {
      autoscaler.name = 'autoscaler';
      autoscaler.at = at(
        spec,
        autoscalerOptions ? 'autoscalerOptions' : 'enableInTreeAutoscaling',
        joinPath(path, 'autoscalerOptions'),
      );
      kuberay.autoscaler = autoscaler;
    }
  }
  const networkPolicy = rec(spec.networkPolicy);
  if (networkPolicy) {
    kuberay.networkPolicy = {
      mode: str(networkPolicy.mode) ?? 'DenyAll',
      at: at(spec, 'networkPolicy', joinPath(path, 'networkPolicy')),
    };
  }
  const tls = rec(spec.tlsOptions);
  if (tls)
    kuberay.tlsOptions = {
      enabled: bool(tls.enabled) === true,
      at: at(tls, 'enabled', joinPath(path, 'tlsOptions.enabled')),
    };
  const gcs = rec(spec.gcsFaultToleranceOptions);
  if (gcs) {
    const password = rec(gcs.redisPassword);
    const secret = rec(rec(password?.valueFrom)?.secretKeyRef);
    const literal = str(password?.value);
    const redisAddress = str(gcs.redisAddress);
    const key = str(secret?.key);
    kuberay.gcsFaultTolerance = {
      at: at(spec, 'gcsFaultToleranceOptions', joinPath(path, 'gcsFaultToleranceOptions')),
      ...(redisAddress ? { redisAddress } : {}),
      ...(password
        ? {
            redisPassword: {
              ...(literal !== undefined ? { value: literal } : {}),
              ...(secret ? { secretRef: { name: str(secret.name) ?? '', ...(key ? { key } : {}) } } : {}),
              at: at(
                password,
                literal !== undefined ? 'value' : 'valueFrom',
                joinPath(path, 'gcsFaultToleranceOptions.redisPassword'),
              ),
            },
          }
        : {}),
    };
  }

  const rayVersionText = str(spec.rayVersion);
  const cluster: RayClusterFacts = {
    id,
    label: `${resource.kind} ${resource.name}`,
    kind: 'kuberay',
    name: resource.name,
    ...(resource.namespace ? { namespace: resource.namespace } : {}),
    file,
    at: specAt,
    ...(rayVersionText
      ? { rayVersion: { value: rayVersionText, at: at(spec, 'rayVersion', joinPath(path, 'rayVersion')) } }
      : {}),
    nodes: [],
    kuberay,
    headServiceNames: [`${resource.name}-head-svc`],
    clusterLabel,
  };
  if (cluster.rayVersion) {
    facts.versions.push({
      version: cluster.rayVersion.value,
      source: 'rayVersion',
      at: cluster.rayVersion.at,
      clusterId: id,
    });
  }

  const head = rec(spec.headGroupSpec);
  if (head) {
    const headPath = joinPath(path, 'headGroupSpec');
    const serviceType = str(head.serviceType);
    if (serviceType)
      kuberay.headServiceType = {
        value: serviceType,
        at: at(head, 'serviceType', joinPath(headPath, 'serviceType')),
      };
    const headServiceSpec = rec(rec(head.headService)?.spec);
    const headServiceType = str(headServiceSpec?.type);
    if (headServiceType)
      kuberay.headServiceSpecType = {
        value: headServiceType,
        at: at(headServiceSpec, 'type', joinPath(headPath, 'headService.spec.type')),
      };
    const ingress = bool(head.enableIngress);
    if (ingress !== undefined)
      kuberay.enableIngress = {
        value: ingress,
        at: at(head, 'enableIngress', joinPath(headPath, 'enableIngress')),
      };
    const ingressOptions = rec(head.ingressOptions);
    if (ingressOptions && (arr(ingressOptions.tls).length > 0 || rec(ingressOptions.tls)))
      kuberay.ingressTls = at(ingressOptions, 'tls', joinPath(headPath, 'ingressOptions.tls'));
    cluster.nodes.push(groupNode(file, head, headPath, 'head', undefined, cluster, facts));
  }
  arr(spec.workerGroupSpecs).forEach((item, i) => {
    const group = rec(item);
    if (!group) return;
    const groupName = str(group.groupName) ?? `#${i + 1}`;
    cluster.nodes.push(
      groupNode(file, group, joinPath(path, `workerGroupSpecs[${i}]`), 'worker', groupName, cluster, facts),
    );
  });
  if (kuberay.autoscaler) {
    addImage(facts, kuberay.autoscaler, 'autoscaler container', id);
    for (const e of kuberay.autoscaler.env) facts.envSettings.push({ env: e, clusterId: id });
  }
  facts.clusters.push(cluster);
  return cluster;
}

function groupNode(
  file: string,
  group: Record<string, unknown>,
  path: string,
  role: 'head' | 'worker',
  groupName: string | undefined,
  cluster: RayClusterFacts,
  facts: RayFacts,
): RayNodeFacts {
  const template = rec(group.template);
  const pod = parsePodSpec(file, template?.spec, joinPath(path, 'template.spec'), template?.metadata);
  // KubeRay runs Ray in the first container of the template (utils.RayContainerIndex).
  const container = pod?.containers[0];
  const params = rec(group.rayStartParams) ?? {};
  const paramsPath = joinPath(path, 'rayStartParams');
  const flags = flagsFromStartParams(
    params,
    (key) => lineOf(params, key) ?? lineOf(group, 'rayStartParams'),
    file,
    paramsPath,
  );
  const startAt = refAt(file, group, 'rayStartParams', paramsPath);
  if (role === 'head' && !flags.has('dashboard-host')) {
    const implicit: StartFlag = {
      name: 'dashboard-host',
      value: '0.0.0.0',
      dynamic: false,
      implicit: 'KubeRay sets dashboard-host=0.0.0.0 on the head when rayStartParams does not name one',
      at: { ...startAt, field: `${paramsPath}.dashboard-host` },
    };
    flags.set('dashboard-host', implicit);
  }
  if (role === 'head')
    flags.set('head', { name: 'head', value: true, dynamic: false, implicit: 'KubeRay head', at: startAt });
  const labels: Record<string, string> = {
    ...stringMap(rec(template?.metadata)?.labels),
    'ray.io/node-type': role,
    'ray.io/is-ray-node': 'yes',
    'ray.io/group': groupName ?? 'headgroup',
  };
  if (cluster.clusterLabel?.exact) labels['ray.io/cluster'] = cluster.clusterLabel.exact;
  const node: RayNodeFacts = {
    label: role === 'head' ? 'head' : `worker group ${groupName}`,
    role,
    ...(groupName ? { group: groupName } : {}),
    start: { head: role === 'head', flags, at: startAt, origin: 'kuberay' },
    env: container?.env ?? [],
    ...(pod ? { pod } : {}),
    ...(container ? { container } : {}),
    labels,
    at: refAt(file, group, undefined, path),
  };
  if (pod) {
    for (const c of [...pod.containers, ...pod.initContainers]) {
      addImage(
        facts,
        c,
        `${role === 'head' ? 'head' : `worker group ${groupName}`} container ${c.name}`,
        cluster.id,
      );
      for (const e of c.env) facts.envSettings.push({ env: e, clusterId: cluster.id });
    }
    // A container that overrides its command with a shell script can still carry settings in it.
    for (const c of pod.containers) scanContainerCommand(file, c, cluster.id, facts);
  }
  return node;
}

/** Env settings and profile writes in a container's `sh -c "…"` command. */
function scanContainerCommand(
  file: string,
  container: ContainerFacts,
  clusterId: string,
  facts: RayFacts,
): void {
  if (container.argv.length === 0) return;
  const script = container.argv.map((w) => shellQuote(w.text)).join(' ');
  const shell = analyzeShell(script, container.argv[0]?.line ?? 1, {
    file,
    field: `${container.path}.command`,
  });
  for (const e of shell.envSettings) facts.envSettings.push({ env: e, clusterId });
}

/** Records a container's image (and the Ray version its tag names, for Ray images). */
export function addImage(
  facts: RayFacts,
  container: ContainerFacts,
  context: string,
  clusterId?: string,
): void {
  if (!container.image || !container.imageAt) return;
  facts.images.push({
    reference: container.image,
    at: container.imageAt,
    context,
    ...(clusterId ? { clusterId } : {}),
  });
  const ref = parseImageRef(container.image);
  if (!ref || !isRayImage(ref)) return;
  const version = rayVersionOfTag(ref.tag);
  if (version) {
    facts.versions.push({
      version,
      source: 'image',
      at: container.imageAt,
      image: container.image,
      rayData: true,
      ...(clusterId ? { clusterId } : {}),
    });
  }
}
