/**
 * What `raygate ray lint` knows about a deployment once its files are read: Ray clusters (KubeRay custom
 * resources, cluster-launcher configs, compose files, hosts started by scripts and Dockerfiles), their nodes,
 * the settings that matter for security, and where each setting was written. Rules read only this model, so
 * every input format feeds every rule.
 */

/** The kinds of input the reader recognises. */
export type InputKind =
  'kubernetes' | 'cluster-launcher' | 'compose' | 'serve-config' | 'dockerfile' | 'shell' | 'env-file';

export interface RayInputFile {
  /** Path shown in findings: relative to where raygate runs, forward slashes. */
  path: string;
  content: string;
  /** True when the user named the file; unrecognised content is then reported instead of skipped. */
  explicit?: boolean;
}

/** Where a setting is written: file, line and the field or instruction that holds it. */
export interface SourceRef {
  file: string;
  line?: number;
  /** Field path (`spec.headGroupSpec.rayStartParams.dashboard-host`) or instruction (`ENV`, `ray start`). */
  field?: string;
}

export interface RayProblem {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  file?: string;
  line?: number;
}

/** An environment variable a deployment sets for a process. */
export interface EnvSetting {
  name: string;
  /** The value when the source spells it out. */
  value?: string;
  /**
   * Where the value comes from: written in the file (`literal`), a Kubernetes Secret or ConfigMap, a pod
   * field, or a shell expansion resolved only at run time.
   */
  source: 'literal' | 'secret' | 'config-map' | 'field' | 'expansion';
  secretRef?: { name: string; key?: string };
  at: SourceRef;
}

export interface StartFlag {
  /** Flag name without dashes, lower case, `_` written as `-` (`dashboard-host`). */
  name: string;
  /** The value, or `true` for a switch given without one. */
  value: string | true;
  /** True when the value holds a shell expansion (`$POD_IP`), known only at run time. */
  dynamic: boolean;
  /** Set when nobody wrote the flag and a tool supplies it (KubeRay's head `dashboard-host=0.0.0.0`). */
  implicit?: string;
  at: SourceRef;
}

/** One `ray start`, written in a command or built by KubeRay from `rayStartParams`. */
export interface RayStartFacts {
  head: boolean;
  flags: Map<string, StartFlag>;
  at: SourceRef;
  origin: 'command' | 'kuberay';
}

export interface ResourceFacts {
  limitsCpu?: string;
  limitsMemory?: string;
  at: SourceRef;
}

export interface VolumeMountFacts {
  name: string;
  mountPath: string;
  at: SourceRef;
}

export interface ContainerFacts {
  name: string;
  image?: string;
  imageAt?: SourceRef;
  env: EnvSetting[];
  envFrom: { kind: 'secret' | 'config-map'; name: string; at: SourceRef }[];
  securityContext?: Record<string, unknown>;
  securityContextAt?: SourceRef;
  resources?: ResourceFacts;
  volumeMounts: VolumeMountFacts[];
  /** `command` followed by `args`, each word with its line. */
  argv: { text: string; line?: number }[];
  /** Field path of the container (`spec.headGroupSpec.template.spec.containers[0]`). */
  path: string;
  at: SourceRef;
}

export type VolumeKind =
  'hostPath' | 'secret' | 'configMap' | 'persistentVolumeClaim' | 'nfs' | 'emptyDir' | 'projected' | 'other';

export interface VolumeFacts {
  name: string;
  kind: VolumeKind;
  /** Secret or ConfigMap name, claim name, host or NFS path. */
  source?: string;
  at: SourceRef;
}

export interface PodFacts {
  /** Field path of the pod spec (`spec.headGroupSpec.template.spec`). */
  path: string;
  at: SourceRef;
  hostNetwork?: SourceRef;
  hostPID?: SourceRef;
  hostIPC?: SourceRef;
  securityContext?: Record<string, unknown>;
  securityContextAt?: SourceRef;
  serviceAccountName?: string;
  automountServiceAccountToken?: { value: boolean; at: SourceRef };
  volumes: VolumeFacts[];
  containers: ContainerFacts[];
  initContainers: ContainerFacts[];
  annotations: Record<string, string>;
  labels: Record<string, string>;
}

/** A port a container runtime publishes on the host (`docker run -p`, compose `ports:`). */
export interface PublishedPort {
  /** Host address the port binds to; undefined means every interface. */
  hostIp?: string;
  hostPort?: string;
  containerPort: number;
  /** Last port of a published range (`8000-8100:8000-8100`). */
  containerPortEnd?: number;
  at: SourceRef;
}

/** How a container runtime runs a Ray node outside Kubernetes (`docker run`, a compose service). */
export interface ContainerRunFacts {
  image?: string;
  imageAt?: SourceRef;
  ports: PublishedPort[];
  hostNetwork?: SourceRef;
  privileged?: SourceRef;
  pidHost?: SourceRef;
  ipcHost?: SourceRef;
  capAdd: { value: string; at: SourceRef }[];
  securityOpt: { value: string; at: SourceRef }[];
  volumes: { source: string; target: string; at: SourceRef }[];
}

export type NodeRole = 'head' | 'worker';

export interface RayNodeFacts {
  /** Short label for messages: `head`, `worker group small-group`, `ray start (start.sh:12)`. */
  label: string;
  role: NodeRole;
  group?: string;
  start?: RayStartFacts;
  /** The environment of the Ray process, in the order it is set (a later setting wins). */
  env: EnvSetting[];
  pod?: PodFacts;
  /** Labels the node's pods carry, with the ones KubeRay adds (`ray.io/cluster`, `ray.io/node-type`, …). */
  labels?: Record<string, string>;
  /** The container that runs Ray in a pod. */
  container?: ContainerFacts;
  run?: ContainerRunFacts;
  at: SourceRef;
}

export type ClusterKind = 'kuberay' | 'launcher' | 'compose' | 'host';

export interface AuthOptionsFacts {
  at: SourceRef;
  mode?: { value: string; at: SourceRef };
  secretName?: { value: string; at: SourceRef };
  enableK8sTokenAuth?: { value: boolean; at: SourceRef };
}

export interface KubeRayFacts {
  crKind: 'RayCluster' | 'RayJob' | 'RayService' | 'RayCronJob';
  /** Field path of the RayClusterSpec inside the resource. */
  specPath: string;
  authOptions?: AuthOptionsFacts;
  headServiceType?: { value: string; at: SourceRef };
  headServiceSpecType?: { value: string; at: SourceRef };
  enableIngress?: { value: boolean; at: SourceRef };
  ingressTls?: SourceRef;
  networkPolicy?: { mode: string; at: SourceRef };
  tlsOptions?: { enabled: boolean; at: SourceRef };
  enableInTreeAutoscaling?: { value: boolean; at: SourceRef };
  autoscaler?: ContainerFacts;
  gcsFaultTolerance?: {
    at: SourceRef;
    redisAddress?: string;
    redisPassword?: { value?: string; secretRef?: { name: string; key?: string }; at: SourceRef };
  };
  /** The pod that submits a RayJob (K8sJobMode), when its template is given. */
  submitter?: PodFacts;
  submissionMode?: string;
  serveService?: { type?: string; at: SourceRef; ports: number[] };
}

export interface SecurityGroupRule {
  fromPort?: number;
  toPort?: number;
  protocol?: string;
  cidrs: string[];
  at: SourceRef;
}

export interface LauncherFacts {
  provider?: { type: string; at: SourceRef };
  /** True when some node type brings its own security groups (node_config.SecurityGroupIds). */
  ownSecurityGroups: boolean;
  ingressRules: SecurityGroupRule[];
}

export interface RayClusterFacts {
  /** Unique within one lint run. */
  id: string;
  /** How messages name the cluster: `RayCluster raycluster-kuberay`, `cluster launcher 'default'`. */
  label: string;
  kind: ClusterKind;
  name: string;
  namespace?: string;
  file: string;
  at: SourceRef;
  rayVersion?: { value: string; at: SourceRef };
  nodes: RayNodeFacts[];
  kuberay?: KubeRayFacts;
  launcher?: LauncherFacts;
  /** Names of the Services that front the head node (`<name>-head-svc`). */
  headServiceNames?: string[];
  /** Matches the `ray.io/cluster` label of the cluster's pods (RayJob and RayService clusters get a suffix). */
  clusterLabel?: { exact?: string; prefix?: string };
}

/** A Kubernetes Service found among the inputs. */
export interface ServiceFacts {
  name: string;
  namespace?: string;
  type: string;
  typeAt: SourceRef;
  selector: Record<string, string>;
  ports: { port: number; targetPort?: number | string; name?: string; at: SourceRef }[];
  at: SourceRef;
}

/** Something that routes traffic from outside the cluster to a Service: Ingress, Route, Gateway API route. */
export interface RouteFacts {
  kind: string;
  name: string;
  namespace?: string;
  backends: { service: string; port?: number | string; at: SourceRef }[];
  tls: boolean;
  at: SourceRef;
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

export interface NetworkPolicyFacts {
  name: string;
  namespace?: string;
  podSelector: LabelSelector;
  /** True when the policy limits who may connect (an Ingress policy without an allow-everything rule). */
  restrictsIngress: boolean;
  at: SourceRef;
}

export interface SecretFacts {
  name: string;
  namespace?: string;
  /** Keys whose value is written in the manifest (`data` decoded, or `stringData`). */
  values: Map<string, { value: string; at: SourceRef }>;
  at: SourceRef;
}

export interface ConfigMapFacts {
  name: string;
  namespace?: string;
  data: Map<string, { value: string; at: SourceRef }>;
  at: SourceRef;
}

/** A Ray runtime environment (`runtime_env`) found in a job, a Serve config or a submit command. */
export interface RuntimeEnvFacts {
  /** Where it is set, for messages: `RayJob rayjob-sample runtimeEnvYAML`. */
  origin: string;
  clusterId?: string;
  value: Record<string, unknown>;
  at: SourceRef;
  /** The line of a field inside the runtime environment, when known. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

export interface ImageUse {
  reference: string;
  at: SourceRef;
  /** What uses it: `container ray-head`, `FROM`, `docker.image`. */
  context: string;
  clusterId?: string;
}

export interface RayVersionClaim {
  version: string;
  source: 'rayVersion' | 'image' | 'pip' | 'sbom';
  at: SourceRef;
  clusterId?: string;
  /** The image the version was read from. */
  image?: string;
  /** True when the evidence shows Ray Data installed or used (ray[data] extras, Ray images with `[all]`). */
  rayData?: boolean;
}

/** Serve's HTTP proxy bound beyond loopback by a command or a Serve config. */
export interface ServeEndpointFacts {
  host: string;
  tls: boolean;
  at: SourceRef;
  clusterId?: string;
  /** Inside a pod or container, where binding all interfaces reaches only what the runtime publishes. */
  inContainer?: boolean;
}

/** A token file written into an image (`COPY … .ray/auth_token`, `RUN echo … > ~/.ray/auth_token`). */
export interface TokenFileFacts {
  at: SourceRef;
  how: string;
}

export interface RayFacts {
  files: { path: string; kind: InputKind }[];
  clusters: RayClusterFacts[];
  services: ServiceFacts[];
  routes: RouteFacts[];
  networkPolicies: NetworkPolicyFacts[];
  secrets: SecretFacts[];
  configMaps: ConfigMapFacts[];
  runtimeEnvs: RuntimeEnvFacts[];
  images: ImageUse[];
  versions: RayVersionClaim[];
  serveEndpoints: ServeEndpointFacts[];
  tokenFiles: TokenFileFacts[];
  /** Environment settings seen anywhere (every container, script, env file), for rules about single settings. */
  envSettings: { env: EnvSetting; clusterId?: string }[];
  problems: RayProblem[];
}

export function emptyFacts(): RayFacts {
  return {
    files: [],
    clusters: [],
    services: [],
    routes: [],
    networkPolicies: [],
    secrets: [],
    configMaps: [],
    runtimeEnvs: [],
    images: [],
    versions: [],
    serveEndpoints: [],
    tokenFiles: [],
    envSettings: [],
    problems: [],
  };
}
