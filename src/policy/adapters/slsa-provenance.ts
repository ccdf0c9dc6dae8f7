import type { ProvenanceEvidence } from '../evidence.ts';

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';

type Json = Record<string, unknown>;

/**
 * Build facts from a SLSA provenance predicate (v1, or v0.2): builder, build type, and the source
 * repository, ref and commit. For GitHub Actions' build type the source is the workflow's repository and
 * ref (`externalParameters.workflow`); otherwise the first git dependency (v1 `resolvedDependencies`, v0.2
 * `invocation.configSource` or `materials`). Fields the predicate does not state stay absent.
 */
export function readSlsaProvenance(
  predicateType: string,
  predicate: unknown,
): ProvenanceEvidence | undefined {
  if (!isObject(predicate)) return undefined;
  // v1 and its release candidates (`https://slsa.dev/provenance/v1.0?draft`) share one shape.
  if (predicateType === SLSA_PROVENANCE_V1 || predicateType.startsWith(`${SLSA_PROVENANCE_V1}.0`))
    return readV1(predicate);
  if (predicateType === SLSA_PROVENANCE_V02) return readV02(predicate);
  return undefined;
}

function readV1(p: Json): ProvenanceEvidence {
  const definition = object(p.buildDefinition);
  const run = object(p.runDetails);
  const external = object(definition.externalParameters);
  const workflow = object(external.workflow);
  const out: ProvenanceEvidence = {};
  const builder = string(object(run.builder).id);
  if (builder) out.builderId = builder;
  const buildType = string(definition.buildType);
  if (buildType) out.buildType = buildType;
  const dependencies = Array.isArray(definition.resolvedDependencies) ? definition.resolvedDependencies : [];
  const git = dependencies.map(object).find((d) => typeof d.uri === 'string' && d.uri.startsWith('git+'));
  const fromGit = git ? splitGitUri(git.uri as string) : undefined;
  const repository = string(workflow.repository) ?? fromGit?.repository;
  const ref = string(workflow.ref) ?? fromGit?.ref;
  const commit = string(object(git?.digest).gitCommit) ?? string(object(git?.digest).sha1);
  if (repository) out.sourceRepository = canonicalRepository(repository);
  if (ref) out.sourceRef = ref;
  if (commit) out.sourceCommit = commit.toLowerCase();
  return out;
}

function readV02(p: Json): ProvenanceEvidence {
  const out: ProvenanceEvidence = {};
  const builder = string(object(p.builder).id);
  if (builder) out.builderId = builder;
  const buildType = string(p.buildType);
  if (buildType) out.buildType = buildType;
  const config = object(object(p.invocation).configSource);
  const materials = Array.isArray(p.materials) ? p.materials.map(object) : [];
  const source =
    typeof config.uri === 'string'
      ? config
      : materials.find((m) => typeof m.uri === 'string' && m.uri.startsWith('git+'));
  if (source && typeof source.uri === 'string') {
    const git = splitGitUri(source.uri);
    out.sourceRepository = canonicalRepository(git.repository);
    if (git.ref) out.sourceRef = git.ref;
    const commit = string(object(source.digest).sha1) ?? string(object(source.digest).gitCommit);
    if (commit) out.sourceCommit = commit.toLowerCase();
  }
  return out;
}

/** `git+https://github.com/o/r@refs/heads/main` → repository and ref. */
function splitGitUri(uri: string): { repository: string; ref?: string } {
  const bare = uri.replace(/^git\+/, '');
  const at = bare.lastIndexOf('@');
  const slash = bare.indexOf('/', bare.indexOf('://') + 3);
  if (at > slash && slash > 0) return { repository: bare.slice(0, at), ref: bare.slice(at + 1) };
  return { repository: bare };
}

export function canonicalRepository(url: string): string {
  return url
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown): Json {
  return isObject(value) ? value : {};
}

function string(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
