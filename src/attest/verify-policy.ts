import { attestError } from './errors.ts';
import type { IdentityPolicy, Matcher } from './identity-policy.ts';
import { refGlob } from './identity-policy.ts';
import type { SlsaBuildLevel } from './slsa/build-level.ts';
import type { EvidenceKind } from './slsa/predicates.ts';
import { EVIDENCE_KINDS } from './slsa/predicates.ts';
import type { ProvenanceFacts } from './slsa/provenance.ts';
import type { VsaFacts } from './slsa/vsa.ts';

/**
 * The small policy `raygate verify --policy FILE` reads: what evidence each kind of artifact needs, who may
 * have signed it, which builders and sources its provenance may name, and the minimum SLSA build level.
 * The gate's policy language maps onto this; it stays small on purpose.
 *
 * ```yaml
 * version: 1
 * require: [provenance]                  # evidence kinds every artifact needs ("any" = one of anything)
 * identities:                            # any one must match the signer
 *   - github: {repository: acme/ray-images, workflow: .github/workflows/release.yml, ref: refs/tags/v*}
 *   - identity: release@acme.example
 *     issuer: https://accounts.google.com
 * builders: ["https://github.com/slsa-framework/slsa-github-generator/.github/workflows/*@refs/tags/v2.*"]
 * buildTypes: ["https://actions.github.io/buildtypes/workflow/v1"]
 * source: {repositories: ["https://github.com/acme/*"], refs: ["refs/tags/v*"]}
 * minSlsaLevel: 2
 * vsa:                                   # verification summaries: whose, about what, under which policy
 *   verifiers: ["https://verifier.acme.example/*"]
 *   resourceUris: ["pkg:oci/ray-images*"]
 *   policies: ["https://acme.example/policies/*"]
 *   levels: [SLSA_BUILD_LEVEL_3]
 *   policyDigests: ["sha256:…"]          # the exact policy (policy.digest.sha256) the verifier applied
 * artifacts:                             # per artifact kind, replacing the fields it names
 *   wheel: {require: [publish]}
 *   image: {require: [signature, provenance], minSlsaLevel: 3}
 * ```
 */
export type ArtifactKind = 'wheel' | 'sdist' | 'image' | 'digest' | 'file';
export const ARTIFACT_KINDS: readonly ArtifactKind[] = ['wheel', 'sdist', 'image', 'digest', 'file'];

export type Requirement = EvidenceKind | 'any';

/** What a verification summary must say to be accepted. Empty lists accept anything. */
export interface VsaRules {
  verifiers: string[];
  resourceUris: string[];
  policies: string[];
  /** Levels every summary must list among its verifiedLevels. */
  levels: string[];
  /** `sha256:<hex>` digests the summary's policy must have (one of): the exact policy the verifier applied. */
  policyDigests: string[];
}

export interface VerifyRules {
  require: Requirement[];
  identities: IdentityPolicy[];
  builders: string[];
  buildTypes: string[];
  sourceRepositories: string[];
  sourceRefs: string[];
  minSlsaLevel: SlsaBuildLevel;
  vsa: VsaRules;
}

export interface VerifyPolicy {
  defaults: VerifyRules;
  artifacts: Partial<Record<ArtifactKind, Partial<VerifyRules>>>;
}

export const EMPTY_RULES: VerifyRules = {
  require: ['any'],
  identities: [],
  builders: [],
  buildTypes: [],
  sourceRepositories: [],
  sourceRefs: [],
  minSlsaLevel: 0,
  vsa: { verifiers: [], resourceUris: [], policies: [], levels: [], policyDigests: [] },
};

export function rulesFor(policy: VerifyPolicy, kind: ArtifactKind): VerifyRules {
  return { ...policy.defaults, ...policy.artifacts[kind] };
}

function invalid(message: string): never {
  throw attestError('VERIFY_POLICY_INVALID', `Verify policy: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    invalid(`${field} must be a list of non-empty strings.`);
  }
  if (value.length > 1000) invalid(`${field} lists more than 1000 entries.`);
  return value as string[];
}

function regexp(value: string, field: string): RegExp {
  try {
    return new RegExp(value, 'u');
  } catch (error) {
    invalid(`${field} is not a regular expression: ${(error as Error).message}`);
  }
}

function matcher(
  entry: Record<string, unknown>,
  exact: string,
  pattern: string,
  at: string,
): Matcher | undefined {
  const e = entry[exact];
  const p = entry[pattern];
  if (e !== undefined && p !== undefined) invalid(`${at}: give ${exact} or ${pattern}, not both.`);
  if (e !== undefined) {
    if (typeof e !== 'string' || e === '') invalid(`${at}.${exact} must be a string.`);
    return { exact: e };
  }
  if (p !== undefined) {
    if (typeof p !== 'string' || p === '') invalid(`${at}.${pattern} must be a string.`);
    return { pattern: regexp(p, `${at}.${pattern}`) };
  }
  return undefined;
}

const IDENTITY_KEYS = new Set(['identity', 'identityRegexp', 'issuer', 'issuerRegexp', 'github']);
const GITHUB_KEYS = new Set(['repository', 'workflow', 'signerWorkflow', 'ref', 'owner']);

function identity(value: unknown, at: string): IdentityPolicy {
  if (!isRecord(value)) invalid(`${at} must be a mapping.`);
  for (const key of Object.keys(value))
    if (!IDENTITY_KEYS.has(key)) invalid(`${at} has an unknown field ${key}.`);
  const policy: IdentityPolicy = {};
  const id = matcher(value, 'identity', 'identityRegexp', at);
  if (id) policy.identity = id;
  const issuer = matcher(value, 'issuer', 'issuerRegexp', at);
  if (issuer) policy.issuer = issuer;
  if (value.github !== undefined) {
    const github = value.github;
    if (!isRecord(github)) invalid(`${at}.github must be a mapping.`);
    for (const key of Object.keys(github))
      if (!GITHUB_KEYS.has(key)) invalid(`${at}.github has an unknown field ${key}.`);
    for (const [key, v] of Object.entries(github)) {
      if (typeof v !== 'string' || v === '') invalid(`${at}.github.${key} must be a string.`);
    }
    policy.github = github as IdentityPolicy['github'];
  }
  const names =
    policy.identity !== undefined ||
    policy.github?.repository !== undefined ||
    policy.github?.signerWorkflow !== undefined ||
    policy.github?.owner !== undefined;
  if (!names)
    invalid(`${at} names nobody: give identity, identityRegexp or github.repository/owner/signerWorkflow.`);
  if (policy.issuer === undefined && policy.github === undefined)
    invalid(`${at} needs an issuer (or a github section).`);
  return policy;
}

const RULE_KEYS = new Set([
  'require',
  'identities',
  'builders',
  'buildTypes',
  'source',
  'minSlsaLevel',
  'vsa',
]);
const VSA_KEYS = ['verifiers', 'resourceUris', 'policies', 'levels', 'policyDigests'] as const;
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

function rules(value: Record<string, unknown>, at: string): Partial<VerifyRules> {
  const out: Partial<VerifyRules> = {};
  if (value.require !== undefined) {
    const require = strings(value.require, `${at}require`);
    for (const r of require) {
      if (r !== 'any' && !EVIDENCE_KINDS.includes(r as EvidenceKind)) {
        invalid(`${at}require: ${JSON.stringify(r)} is not one of any, ${EVIDENCE_KINDS.join(', ')}.`);
      }
    }
    out.require = require as Requirement[];
  }
  if (value.identities !== undefined) {
    if (!Array.isArray(value.identities)) invalid(`${at}identities must be a list.`);
    out.identities = value.identities.map((entry, i) => identity(entry, `${at}identities[${i}]`));
  }
  if (value.builders !== undefined) out.builders = strings(value.builders, `${at}builders`);
  if (value.buildTypes !== undefined) out.buildTypes = strings(value.buildTypes, `${at}buildTypes`);
  if (value.source !== undefined) {
    if (!isRecord(value.source)) invalid(`${at}source must be a mapping.`);
    for (const key of Object.keys(value.source)) {
      if (key !== 'repositories' && key !== 'refs') invalid(`${at}source has an unknown field ${key}.`);
    }
    if (value.source.repositories !== undefined) {
      out.sourceRepositories = strings(value.source.repositories, `${at}source.repositories`);
    }
    if (value.source.refs !== undefined) out.sourceRefs = strings(value.source.refs, `${at}source.refs`);
  }
  if (value.vsa !== undefined) {
    const vsa = value.vsa;
    if (!isRecord(vsa)) invalid(`${at}vsa must be a mapping.`);
    for (const key of Object.keys(vsa)) {
      if (!(VSA_KEYS as readonly string[]).includes(key)) invalid(`${at}vsa has an unknown field ${key}.`);
    }
    out.vsa = {
      verifiers: strings(vsa.verifiers, `${at}vsa.verifiers`),
      resourceUris: strings(vsa.resourceUris, `${at}vsa.resourceUris`),
      policies: strings(vsa.policies, `${at}vsa.policies`),
      levels: strings(vsa.levels, `${at}vsa.levels`),
      policyDigests: strings(vsa.policyDigests, `${at}vsa.policyDigests`),
    };
    for (const digest of out.vsa.policyDigests) {
      if (!SHA256_DIGEST.test(digest)) invalid(`${at}vsa.policyDigests: ${digest} is not sha256:<64 hex>.`);
    }
  }
  if (value.minSlsaLevel !== undefined) {
    const level = value.minSlsaLevel;
    if (level !== 0 && level !== 1 && level !== 2 && level !== 3)
      invalid(`${at}minSlsaLevel must be 0, 1, 2 or 3.`);
    out.minSlsaLevel = level;
  }
  return out;
}

/** Validates a parsed verify policy document (YAML or JSON). */
export function parseVerifyPolicy(document: unknown): VerifyPolicy {
  if (!isRecord(document)) invalid('the document must be a mapping.');
  if (document.version !== 1) invalid('version must be 1.');
  for (const key of Object.keys(document)) {
    if (key !== 'version' && key !== 'artifacts' && !RULE_KEYS.has(key)) invalid(`unknown field ${key}.`);
  }
  const defaults = { ...EMPTY_RULES, ...rules(document, '') };
  const artifacts: VerifyPolicy['artifacts'] = {};
  if (document.artifacts !== undefined) {
    if (!isRecord(document.artifacts)) invalid('artifacts must be a mapping.');
    for (const [kind, value] of Object.entries(document.artifacts)) {
      if (!ARTIFACT_KINDS.includes(kind as ArtifactKind)) {
        invalid(`artifacts.${kind} is not one of ${ARTIFACT_KINDS.join(', ')}.`);
      }
      if (!isRecord(value)) invalid(`artifacts.${kind} must be a mapping.`);
      for (const key of Object.keys(value))
        if (!RULE_KEYS.has(key)) invalid(`artifacts.${kind} has an unknown field ${key}.`);
      artifacts[kind as ArtifactKind] = rules(value, `artifacts.${kind}.`);
    }
  }
  return { defaults, artifacts };
}

/** A glob over URIs: `*` within one path segment, `**` across (the same rules as --github-ref). */
export function uriGlob(glob: string): RegExp {
  return refGlob(glob);
}

function normaliseRepository(value: string): string {
  return value
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

/** The policy's objections to what a verified provenance says; empty when it complies. */
export function checkProvenance(facts: ProvenanceFacts, rules: VerifyRules): string[] {
  const problems: string[] = [];
  if (rules.builders.length > 0) {
    const builder = facts.builderId;
    if (!builder || !rules.builders.some((b) => uriGlob(b).test(builder))) {
      problems.push(`builder ${builder ?? '(none)'} is not in the allowed builders`);
    }
  }
  if (rules.buildTypes.length > 0) {
    const type = facts.buildType;
    if (!type || !rules.buildTypes.some((b) => uriGlob(b).test(type))) {
      problems.push(`build type ${type ?? '(none)'} is not allowed`);
    }
  }
  if (rules.sourceRepositories.length > 0) {
    const repository = facts.sourceRepository ? normaliseRepository(facts.sourceRepository) : undefined;
    if (
      !repository ||
      !rules.sourceRepositories.some((r) => uriGlob(normaliseRepository(r)).test(repository))
    ) {
      problems.push(`source repository ${facts.sourceRepository ?? '(none)'} is not allowed`);
    }
  }
  if (rules.sourceRefs.length > 0) {
    const ref = facts.sourceRef;
    if (!ref || !rules.sourceRefs.some((r) => refGlob(r).test(ref))) {
      problems.push(`source ref ${ref ?? '(none)'} is not allowed`);
    }
  }
  return problems;
}

/**
 * The objections to what a verified verification summary says: a summary whose verdict is not PASSED
 * proves the opposite of what it is required for, whoever signed it; and when the policy names them,
 * the verifier, the resource, the policy it was checked against and the levels it found.
 */
export function checkVsa(facts: VsaFacts, rules: VsaRules): string[] {
  const problems: string[] = [];
  if (facts.result !== 'PASSED') {
    problems.push(`the verification summary's result is ${facts.result ?? '(none)'}, not PASSED`);
  }
  const allowed = (patterns: readonly string[], value: string | undefined, what: string) => {
    if (patterns.length === 0) return;
    if (!value || !patterns.some((p) => uriGlob(p).test(value)))
      problems.push(`${what} ${value ?? '(none)'} is not allowed`);
  };
  allowed(rules.verifiers, facts.verifierId, 'verifier');
  allowed(rules.resourceUris, facts.resourceUri, 'resource');
  allowed(rules.policies, facts.policyUri, 'verification policy');
  if (rules.policyDigests.length > 0) {
    const digest = facts.policyDigest ? `sha256:${facts.policyDigest}` : undefined;
    if (!digest || !rules.policyDigests.includes(digest))
      problems.push(`the verification policy's digest ${digest ?? '(none)'} is not one the policy accepts`);
  }
  const missing = rules.levels.filter((l) => !facts.verifiedLevels.includes(l));
  if (missing.length > 0) problems.push(`the summary does not list the level(s) ${missing.join(', ')}`);
  return problems;
}
