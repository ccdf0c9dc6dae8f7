/**
 * What an SLSA provenance statement says about a build, read from either predicate version into one
 * shape: v1 (`https://slsa.dev/provenance/v1`, buildDefinition + runDetails) and v0.2
 * (`https://slsa.dev/provenance/v0.2`, builder + invocation + materials). Pure; tolerant of missing
 * fields (they stay undefined), strict about types (a field of the wrong type is ignored, never coerced).
 */
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';
/** The draft spelling slsa-github-generator's delegator used before v1.0 was final. */
const SLSA_PROVENANCE_V1_DRAFT = 'https://slsa.dev/provenance/v1.0?draft';

export interface ResolvedDependency {
  uri?: string;
  digest: Record<string, string>;
}

export interface ProvenanceFacts {
  version: 'v1' | 'v0.2';
  builderId?: string;
  buildType?: string;
  /** The source repository the build read its configuration from (`https://github.com/o/r`), normalised. */
  sourceRepository?: string;
  /** The git ref of that source (`refs/tags/v1.2.3`), when the provenance names one. */
  sourceRef?: string;
  /** The commit of that source, when given (`gitCommit` or `sha1`). */
  sourceDigest?: string;
  /** The workflow or build file that ran (`.github/workflows/release.yml`, `Dockerfile`). */
  entryPoint?: string;
  invocationId?: string;
  resolvedDependencies: ResolvedDependency[];
}

export function isSlsaProvenance(predicateType: string): boolean {
  return (
    predicateType === SLSA_PROVENANCE_V1 ||
    predicateType === SLSA_PROVENANCE_V02 ||
    predicateType === SLSA_PROVENANCE_V1_DRAFT
  );
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function digestSet(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value) ?? {}))
    if (typeof v === 'string') out[k] = v.toLowerCase();
  return out;
}

/**
 * Splits a source URI as builders write it: `git+https://github.com/o/r@refs/heads/main`,
 * `https://github.com/o/r.git#<sha>`, `git+https://github.com/o/r`.
 */
export function parseSourceUri(uri: string): { repository: string; ref?: string; digest?: string } {
  let rest = uri.replace(/^git\+/, '');
  let ref: string | undefined;
  let digest: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    const fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
    if (/^[0-9a-f]{40}$/i.test(fragment)) digest = fragment.toLowerCase();
    else if (fragment) ref = fragment;
  }
  // `@` after the path separates the ref; an `@` in the authority (user@host) is not one.
  const pathStart = rest.indexOf('/', rest.indexOf('://') + 3);
  const at = rest.lastIndexOf('@');
  if (at > pathStart && pathStart > 0) {
    ref ??= rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const repository = rest.replace(/\.git$/, '').replace(/\/+$/, '');
  return { repository, ...(ref ? { ref } : {}), ...(digest ? { digest } : {}) };
}

function commitOf(digest: Record<string, string>): string | undefined {
  return digest.gitCommit ?? digest.sha1;
}

function fromV1(predicate: Record<string, unknown>): ProvenanceFacts {
  const definition = record(predicate.buildDefinition) ?? {};
  const run = record(predicate.runDetails) ?? {};
  const external = record(definition.externalParameters) ?? {};
  const dependencies: ResolvedDependency[] = Array.isArray(definition.resolvedDependencies)
    ? definition.resolvedDependencies.slice(0, 1000).flatMap((d): ResolvedDependency[] => {
        const dep = record(d);
        if (!dep) return [];
        const uri = text(dep.uri);
        return [{ ...(uri ? { uri } : {}), digest: digestSet(dep.digest) }];
      })
    : [];
  const facts: ProvenanceFacts = {
    version: 'v1',
    resolvedDependencies: dependencies,
  };
  const builderId = text(record(run.builder)?.id);
  if (builderId) facts.builderId = builderId;
  const buildType = text(definition.buildType);
  if (buildType) facts.buildType = buildType;
  const invocationId = text(record(run.metadata)?.invocationId);
  if (invocationId) facts.invocationId = invocationId;

  // GitHub Actions build types (actions/attest-build-provenance, pypi's, slsa-github-generator's delegator)
  // name the workflow in externalParameters.workflow; the source is its repository and ref.
  const workflow = record(external.workflow);
  if (workflow) {
    const repository = text(workflow.repository);
    if (repository) facts.sourceRepository = parseSourceUri(repository).repository;
    const ref = text(workflow.ref);
    if (ref) facts.sourceRef = ref;
    const path = text(workflow.path);
    if (path) facts.entryPoint = path;
  }
  // The first resolved dependency that is a git source is the checked-out source.
  const source = dependencies.find((d) => d.uri && /^git\+|\.git(?:[@#]|$)/.test(d.uri));
  if (source?.uri) {
    const parsed = parseSourceUri(source.uri);
    facts.sourceRepository ??= parsed.repository;
    if (parsed.ref) facts.sourceRef ??= parsed.ref;
    const commit = commitOf(source.digest) ?? parsed.digest;
    if (commit) facts.sourceDigest = commit;
  }
  // slsa-github-generator's delegator (BYOB) puts the source in externalParameters.source.
  const externalSource = record(external.source);
  if (externalSource && !facts.sourceRepository) {
    const uri = text(externalSource.uri);
    if (uri) {
      const parsed = parseSourceUri(uri);
      facts.sourceRepository = parsed.repository;
      if (parsed.ref) facts.sourceRef ??= parsed.ref;
    }
    const commit = commitOf(digestSet(externalSource.digest));
    if (commit) facts.sourceDigest ??= commit;
  }
  return facts;
}

function fromV02(predicate: Record<string, unknown>): ProvenanceFacts {
  const invocation = record(predicate.invocation) ?? {};
  const configSource = record(invocation.configSource) ?? {};
  const materials: ResolvedDependency[] = Array.isArray(predicate.materials)
    ? predicate.materials.slice(0, 1000).flatMap((m): ResolvedDependency[] => {
        const material = record(m);
        if (!material) return [];
        const uri = text(material.uri);
        return [{ ...(uri ? { uri } : {}), digest: digestSet(material.digest) }];
      })
    : [];
  const facts: ProvenanceFacts = { version: 'v0.2', resolvedDependencies: materials };
  const builderId = text(record(predicate.builder)?.id);
  if (builderId) facts.builderId = builderId;
  const buildType = text(predicate.buildType);
  if (buildType) facts.buildType = buildType;
  const invocationId = text(record(predicate.metadata)?.buildInvocationId);
  if (invocationId) facts.invocationId = invocationId;
  const uri = text(configSource.uri);
  if (uri) {
    const parsed = parseSourceUri(uri);
    facts.sourceRepository = parsed.repository;
    if (parsed.ref) facts.sourceRef = parsed.ref;
    const commit = commitOf(digestSet(configSource.digest)) ?? parsed.digest;
    if (commit) facts.sourceDigest = commit;
  }
  const entryPoint = text(configSource.entryPoint);
  if (entryPoint) facts.entryPoint = entryPoint;
  // GitHub builders also record the ref in the environment when the config URI does not carry it.
  const environment = record(invocation.environment);
  const ref = text(environment?.github_ref) ?? text(environment?.ref);
  if (ref) facts.sourceRef ??= ref;
  return facts;
}

/** Reads an SLSA provenance predicate; undefined when the predicate type is not SLSA provenance. */
export function readProvenance(predicateType: string, predicate: unknown): ProvenanceFacts | undefined {
  const body = record(predicate);
  if (!body || !isSlsaProvenance(predicateType)) return undefined;
  return predicateType === SLSA_PROVENANCE_V02 ? fromV02(body) : fromV1(body);
}
