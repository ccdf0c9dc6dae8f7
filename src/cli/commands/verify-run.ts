import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseBundle } from '../../attest/bundle.ts';
import { dsseEnvelopeToBundle, isDsseEnvelope } from '../../attest/dsse-envelope.ts';
import { distributionCoverage } from '../../attest/coverage/collect.ts';
import type { PinnedDistribution, PypiSource } from '../../attest/coverage/collect.ts';
import { pep740EvidenceFromPypi } from '../../attest/coverage/collect.ts';
import type { DistributionCoverage } from '../../attest/coverage/coverage.ts';
import type { Evidence } from '../../attest/evidence/evidence.ts';
import { judgeArtifact } from '../../attest/evidence/judge.ts';
import type { ArtifactSubject, ArtifactVerdict, DiscoveryProblem } from '../../attest/evidence/judge.ts';
import { verifyEvidence } from '../../attest/evidence/verify-evidence.ts';
import type { TrustInstance } from '../../attest/evidence/trust.ts';
import type { VerifyContext } from '../../attest/evidence/verify-evidence.ts';
import {
  GITHUB_API,
  GithubAttestationsClient,
} from '../../attest/github-attestations/github-attestations-client.ts';
import { githubAttestationEvidence } from '../../attest/github-attestations/to-evidence.ts';
import { assertPolicyComplete } from '../../attest/identity-policy.ts';
import type { IdentityPolicy, Matcher } from '../../attest/identity-policy.ts';
import { parsePublicKey } from '../../attest/keys.ts';
import { discoverAttachments } from '../../attest/oci-referrers/discover.ts';
import { discoverLayoutAttachments } from '../../attest/oci-referrers/layout-discovery-reader.ts';
import { registryAttachmentStore } from '../../attest/oci-referrers/registry-store-client.ts';
import { resolveSubject } from '../../attest/oci-referrers/attach-client.ts';
import { parseDistributionFilename } from '../../attest/pep740/dist-filename.ts';
import type { TrustedPublisher } from '../../attest/pep740/publisher.ts';
import { readPep740Provenance } from '../../attest/pep740/provenance-object.ts';
import { PYPI_URL, PypiClient } from '../../attest/pep740/pypi-client.ts';
import { pep740AttestationEvidence, pep740ProvenanceEvidence } from '../../attest/pep740/to-evidence.ts';
import { EVIDENCE_KINDS } from '../../attest/slsa/predicates.ts';
import type { SlsaBuildLevel } from '../../attest/slsa/build-level.ts';
import { EMPTY_RULES, rulesFor } from '../../attest/verify-policy.ts';
import type { ArtifactKind, Requirement, VerifyPolicy, VerifyRules } from '../../attest/verify-policy.ts';
import { readVerifyPolicy } from '../../attest/verify-policy-reader.ts';
import { parseImageReference } from '../../oci/reference.ts';
import { connectRegistry } from '../../sbom/sources/oci-registry-reader.ts';
import type { RegistryAccessOptions } from '../../sbom/sources/oci-registry-reader.ts';
import { diskResponseCache } from '../../shared/disk-cache-writer.ts';
import { isRaygateError, RaygateError } from '../../shared/errors.ts';
import { EXIT } from '../exit-codes.ts';
import { say, writeOutput } from '../output.ts';
import { resolveScanInventory } from '../scan/scan-inventory.ts';
import { renderVerifyReport } from './verify-render.ts';
import { loadTrustInstances } from './verify-trust.ts';

export interface VerifyOptions {
  policy?: string;
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  githubRepository?: string;
  githubOwner?: string;
  githubWorkflow?: string;
  githubSignerWorkflow?: string;
  githubRef?: string;
  key?: string;
  require?: string[];
  minSlsaLevel?: number;
  bundle?: string[];
  trustedRoot?: string[];
  staging?: boolean;
  offline?: boolean;
  pypiUrl?: string;
  githubApiUrl?: string;
  githubAttestations?: boolean;
  githubBundleHost?: string[];
  history: number;
  insecureRegistry?: string[];
  allowRegistryHost?: string[];
  registryCa?: string;
  format: 'table' | 'json';
  output?: string;
}

export interface VerifyReport {
  artifacts: ArtifactVerdict[];
  coverage?: DistributionCoverage[];
  trust: string[];
  exitCode: number;
}

const DIGEST = /^sha256:([0-9a-fA-F]{64})$/;
const DISTRIBUTION = /\.(whl|tar\.gz|zip)$/;
const LOCK_NAMES =
  /(^requirements.*\.(txt|in)$|\.lock$|^pylock(\..+)?\.toml$|^Pipfile\.lock$|\.cdx\.json$|^environment\.ya?ml$|^pyproject\.toml$)/;
const MAX_FILE = 2 * 1024 * 1024 * 1024 - 1;

function regexp(value: string): RegExp {
  try {
    return new RegExp(value, 'u');
  } catch (error) {
    throw new RaygateError(
      'USAGE_INVALID',
      'usage',
      `Not a regular expression: ${(error as Error).message}.`,
    );
  }
}

/** The identity the flags describe, or undefined when no identity flag is given. */
function identityFromFlags(options: VerifyOptions): IdentityPolicy | undefined {
  const matcher = (exact?: string, pattern?: string): Matcher | undefined =>
    exact !== undefined ? { exact } : pattern !== undefined ? { pattern: regexp(pattern) } : undefined;
  const any = [
    options.certificateIdentity,
    options.certificateIdentityRegexp,
    options.certificateOidcIssuer,
    options.certificateOidcIssuerRegexp,
    options.githubRepository,
    options.githubOwner,
    options.githubWorkflow,
    options.githubSignerWorkflow,
    options.githubRef,
  ].some((v) => v !== undefined);
  if (!any) return undefined;
  const github = [
    options.githubRepository,
    options.githubOwner,
    options.githubWorkflow,
    options.githubSignerWorkflow,
    options.githubRef,
  ].some((v) => v !== undefined);
  const policy: IdentityPolicy = {};
  const identity = matcher(options.certificateIdentity, options.certificateIdentityRegexp);
  if (identity) policy.identity = identity;
  const issuer = matcher(options.certificateOidcIssuer, options.certificateOidcIssuerRegexp);
  if (issuer) policy.issuer = issuer;
  if (github) {
    policy.github = {
      ...(options.githubRepository ? { repository: options.githubRepository } : {}),
      ...(options.githubOwner ? { owner: options.githubOwner } : {}),
      ...(options.githubWorkflow ? { workflow: options.githubWorkflow } : {}),
      ...(options.githubSignerWorkflow ? { signerWorkflow: options.githubSignerWorkflow } : {}),
      ...(options.githubRef ? { ref: options.githubRef } : {}),
    };
  }
  assertPolicyComplete(policy);
  return policy;
}

function rulesWithFlags(
  base: VerifyRules,
  options: VerifyOptions,
  flagIdentity: IdentityPolicy | undefined,
): VerifyRules {
  const rules = { ...base };
  if (flagIdentity) rules.identities = [flagIdentity];
  if (options.require && options.require.length > 0) {
    for (const r of options.require) {
      if (r !== 'any' && !EVIDENCE_KINDS.includes(r as (typeof EVIDENCE_KINDS)[number])) {
        throw new RaygateError(
          'USAGE_INVALID',
          'usage',
          `--require ${r}: expected any or one of ${EVIDENCE_KINDS.join(', ')}.`,
        );
      }
    }
    rules.require = options.require as Requirement[];
  }
  if (options.minSlsaLevel !== undefined) {
    if (options.minSlsaLevel > 3)
      throw new RaygateError('USAGE_INVALID', 'usage', '--min-slsa-level is 0 to 3.');
    rules.minSlsaLevel = options.minSlsaLevel as SlsaBuildLevel;
  }
  return rules;
}

type Target =
  | { kind: 'distribution'; path: string }
  | { kind: 'pypi'; project: string; version: string; filename?: string }
  | { kind: 'image'; reference: string }
  | { kind: 'layout'; layout: 'oci-dir' | 'oci-archive' | 'docker-archive'; path: string; tag?: string }
  | { kind: 'digest'; sha256: string }
  | { kind: 'environment'; target: string }
  | { kind: 'file'; path: string };

async function splitPathAndTag(rest: string): Promise<{ path: string; tag?: string }> {
  if (existsSync(rest)) return { path: rest };
  const colon = rest.lastIndexOf(':');
  if (colon > 0 && existsSync(rest.slice(0, colon)))
    return { path: rest.slice(0, colon), tag: rest.slice(colon + 1) };
  throw new RaygateError('TARGET_NOT_FOUND', 'input', `Cannot open ${rest}: no such file or folder.`);
}

export async function classify(artifact: string): Promise<Target> {
  const digest = DIGEST.exec(artifact);
  if (digest?.[1] && !existsSync(artifact)) return { kind: 'digest', sha256: digest[1].toLowerCase() };
  if (artifact.startsWith('pypi:')) {
    const match = /^pypi:([A-Za-z0-9._-]+)==([^:\s]+)(?::(.+))?$/.exec(artifact);
    if (!match)
      throw new RaygateError('TARGET_INVALID', 'usage', `${artifact} is not pypi:NAME==VERSION[:FILENAME].`);
    return {
      kind: 'pypi',
      project: match[1]!,
      version: match[2]!,
      ...(match[3] ? { filename: match[3] } : {}),
    };
  }
  if (artifact.startsWith('image:')) return { kind: 'image', reference: artifact.slice('image:'.length) };
  for (const prefix of ['oci-dir:', 'oci-archive:', 'docker-archive:'] as const) {
    if (artifact.startsWith(prefix)) {
      const { path: p, tag } = await splitPathAndTag(artifact.slice(prefix.length));
      return {
        kind: 'layout',
        layout: prefix.slice(0, -1) as 'oci-dir' | 'oci-archive' | 'docker-archive',
        path: p,
        ...(tag ? { tag } : {}),
      };
    }
  }
  if (artifact.startsWith('dir:') || artifact.startsWith('file:') || artifact.startsWith('pkg:'))
    return { kind: 'environment', target: artifact };
  let info;
  try {
    info = await stat(artifact);
  } catch {
    throw new RaygateError(
      'TARGET_NOT_FOUND',
      'input',
      `Cannot open ${artifact}: no such file, and not an artifact reference (see --help).`,
    );
  }
  if (info.isDirectory()) return { kind: 'environment', target: artifact };
  const name = path.basename(artifact);
  if (DISTRIBUTION.test(name) && parseDistributionFilename(name))
    return { kind: 'distribution', path: artifact };
  if (LOCK_NAMES.test(name)) return { kind: 'environment', target: artifact };
  return { kind: 'file', path: artifact };
}

async function readBounded(file: string, what: string, limit = MAX_FILE): Promise<Buffer> {
  try {
    const info = await stat(file);
    if (info.size > limit)
      throw new RaygateError(
        'ARTIFACT_UNREADABLE',
        'limit',
        `${what} ${file} is larger than ${limit} bytes.`,
      );
    return await readFile(file);
  } catch (error) {
    if (isRaygateError(error)) throw error;
    throw new RaygateError(
      'ARTIFACT_UNREADABLE',
      'input',
      `Cannot read ${what} ${file}: ${(error as Error).message}.`,
    );
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The documents of a `--bundle` file: one JSON document, or JSON lines (several bundles, as
 * `gh attestation download` and slsa-github-generator write them).
 */
function bundleDocuments(text: string): string[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length > 1 && lines.every((l) => l.trimStart().startsWith('{'))) {
    try {
      lines.forEach((l) => JSON.parse(l));
      return lines.slice(0, 100);
    } catch {
      // Not JSON lines: one pretty-printed document.
    }
  }
  return [text];
}

/** `--bundle` files as evidence about the artifact: Sigstore bundles, or bare DSSE envelopes (key-signed). */
async function bundleEvidence(
  files: readonly string[],
  subjectSha256: string,
  bytes?: Uint8Array,
): Promise<Evidence[]> {
  const out: Evidence[] = [];
  for (const file of files) {
    const documents = bundleDocuments(
      (await readBounded(file, 'the bundle', 8 * 1024 * 1024)).toString('utf8'),
    );
    documents.forEach((document, index) => {
      let json: unknown;
      try {
        json = JSON.parse(document);
      } catch {
        json = undefined;
      }
      const envelope = isDsseEnvelope(json);
      const base = {
        id: `bundle:${file}${documents.length > 1 ? `#${index}` : ''}`,
        origin: { kind: 'file' as const, path: file },
        format: envelope ? ('dsse-envelope' as const) : ('sigstore-bundle' as const),
        subjectSha256,
      };
      try {
        const bundle = envelope ? dsseEnvelopeToBundle(json) : parseBundle(document);
        out.push({
          ...base,
          content: {
            kind: 'bundle',
            bundle,
            artifact: bytes
              ? { kind: 'bytes', bytes }
              : { kind: 'digest', algorithm: 'sha256', hex: subjectSha256 },
          },
        });
      } catch (error) {
        if (!isRaygateError(error) || error.kind === 'limit') throw error;
        out.push({ ...base, content: { kind: 'malformed', code: error.code, message: error.message } });
      }
    });
  }
  return out;
}

interface Run {
  options: VerifyOptions;
  policy: VerifyPolicy | undefined;
  flagIdentity: IdentityPolicy | undefined;
  context: Omit<VerifyContext, 'rules'>;
  pypi: PypiSource | undefined;
  /** The trusted roots, loaded on first need. */
  trust(): Promise<TrustInstance[]>;
}

function rulesForKind(run: Run, kind: ArtifactKind): VerifyRules {
  return rulesWithFlags(run.policy ? rulesFor(run.policy, kind) : EMPTY_RULES, run.options, run.flagIdentity);
}

async function githubEvidence(
  run: Run,
  subjectSha256: string,
  problems: DiscoveryProblem[],
): Promise<Evidence[]> {
  const { options } = run;
  const where = options.githubRepository
    ? { repository: options.githubRepository }
    : options.githubOwner
      ? { owner: options.githubOwner }
      : undefined;
  if (!where) {
    throw new RaygateError(
      'USAGE_INVALID',
      'usage',
      'GitHub attestations are looked up in a repository or organisation: give --github-repository or --github-owner.',
    );
  }
  if (options.offline) {
    problems.push({ code: 'OFFLINE', message: 'GitHub attestations were not looked up (--offline)' });
    return [];
  }
  const client = new GithubAttestationsClient({
    baseUrl: options.githubApiUrl ?? process.env.GITHUB_API_URL ?? GITHUB_API,
    ...(options.githubBundleHost ? { bundleHosts: options.githubBundleHost } : {}),
    ...(process.env.GITHUB_TOKEN || process.env.GH_TOKEN
      ? { token: process.env.GITHUB_TOKEN || process.env.GH_TOKEN }
      : {}),
  });
  const { url, attestations } = await client.list(where, `sha256:${subjectSha256}`);
  return githubAttestationEvidence(attestations, url, subjectSha256);
}

/**
 * Certificate-signed evidence needs the trusted roots, and so do log entries of key-signed evidence;
 * a key alone, or an unsigned statement, does not.
 */
function needsTrust(evidence: readonly Evidence[]): boolean {
  return evidence.some((e) => {
    if (e.content.kind !== 'bundle') return false;
    const material = e.content.bundle.bundle.verificationMaterial;
    return material.content.$case !== 'publicKey' || material.tlogEntries.length > 0;
  });
}

async function judge(
  run: Run,
  artifact: ArtifactSubject,
  evidence: readonly Evidence[],
  problems: DiscoveryProblem[],
): Promise<ArtifactVerdict> {
  const rules = rulesForKind(run, artifact.kind);
  const instances = needsTrust(evidence) ? await run.trust() : [];
  const context: VerifyContext = { ...run.context, instances, identities: rules.identities, rules };
  return judgeArtifact(
    artifact,
    evidence.map((e) => verifyEvidence(e, context)),
    rules,
    problems,
  );
}

async function verifyDistributionFile(run: Run, file: string): Promise<ArtifactVerdict> {
  const bytes = await readBounded(file, 'the distribution');
  const filename = path.basename(file);
  const parsed = parseDistributionFilename(filename)!;
  const digest = sha256(bytes);
  const distribution = { filename, sha256: digest };
  const evidence: Evidence[] = [];
  const problems: DiscoveryProblem[] = [];
  // The publisher a .provenance file records also names who must have signed the loose attestation files.
  let publisher: TrustedPublisher | undefined;
  const provenanceFile = `${file}.provenance`;
  if (existsSync(provenanceFile)) {
    try {
      const json = JSON.parse(
        (await readBounded(provenanceFile, 'the provenance', 16 * 1024 * 1024)).toString('utf8'),
      ) as unknown;
      const provenance = readPep740Provenance(json);
      publisher = provenance.bundles[0]?.publisher;
      evidence.push(
        ...pep740ProvenanceEvidence(
          provenance,
          distribution,
          { kind: 'file', path: provenanceFile },
          provenanceFile,
        ),
      );
    } catch (error) {
      const e = error as { code?: string; message?: string };
      evidence.push({
        id: provenanceFile,
        origin: { kind: 'file', path: provenanceFile },
        format: 'pep740',
        subjectSha256: digest,
        distributionFilename: filename,
        content: {
          kind: 'malformed',
          code: e.code ?? 'PEP740_MALFORMED',
          message: e.message ?? String(error),
        },
      });
    }
  }
  for (const suffix of ['.publish.attestation', '.slsa.attestation', '.attestation']) {
    const sidecar = `${file}${suffix}`;
    if (!existsSync(sidecar)) continue;
    const text = await readBounded(sidecar, 'the attestation', 8 * 1024 * 1024);
    try {
      evidence.push(
        pep740AttestationEvidence(
          JSON.parse(text.toString('utf8')),
          distribution,
          { kind: 'file', path: sidecar },
          sidecar,
          publisher,
        ),
      );
    } catch {
      evidence.push({
        id: sidecar,
        origin: { kind: 'file', path: sidecar },
        format: 'pep740',
        subjectSha256: digest,
        distributionFilename: filename,
        content: { kind: 'malformed', code: 'PEP740_MALFORMED', message: `${sidecar} is not JSON.` },
      });
    }
  }
  if (evidence.length === 0) {
    if (run.pypi) {
      try {
        evidence.push(...(await pep740EvidenceFromPypi(run.pypi, parsed.name, parsed.version, distribution)));
      } catch (error) {
        if (!isRaygateError(error) || error.kind !== 'unavailable') throw error;
        problems.push({ code: error.code, message: error.message });
      }
    } else {
      problems.push({ code: 'OFFLINE', message: "PyPI's Integrity API was not asked (--offline)" });
    }
  }
  evidence.push(...(await bundleEvidence(run.options.bundle ?? [], digest, bytes)));
  if (run.options.githubAttestations) evidence.push(...(await githubEvidence(run, digest, problems)));
  return await judge(run, { kind: parsed.kind, name: file, sha256: digest }, evidence, problems);
}

async function verifyPypi(
  run: Run,
  target: { project: string; version: string; filename?: string },
): Promise<ArtifactVerdict[]> {
  if (!run.pypi)
    throw new RaygateError('USAGE_INVALID', 'usage', 'pypi: artifacts need PyPI; drop --offline.');
  const files = await run.pypi.releaseFiles(target.project, target.version);
  if (!files)
    throw new RaygateError(
      'TARGET_NOT_FOUND',
      'input',
      `PyPI has no release ${target.project} ${target.version}.`,
    );
  const chosen = target.filename ? files.filter((f) => f.filename === target.filename) : files;
  if (chosen.length === 0)
    throw new RaygateError(
      'TARGET_NOT_FOUND',
      'input',
      `${target.project} ${target.version} has no file ${target.filename ?? ''} on PyPI.`,
    );
  const verdicts: ArtifactVerdict[] = [];
  for (const file of chosen) {
    const evidence = await pep740EvidenceFromPypi(run.pypi, target.project, target.version, file);
    const kind = parseDistributionFilename(file.filename)?.kind ?? 'file';
    verdicts.push(
      await judge(
        run,
        { kind, name: `pypi:${target.project}==${target.version}:${file.filename}`, sha256: file.sha256 },
        evidence,
        [],
      ),
    );
  }
  return verdicts;
}

function registryAccess(options: VerifyOptions): RegistryAccessOptions {
  return {
    ...(options.insecureRegistry ? { insecureRegistries: options.insecureRegistry } : {}),
    ...(options.allowRegistryHost ? { allowHosts: options.allowRegistryHost } : {}),
    ...(options.registryCa ? { caFile: options.registryCa } : {}),
  };
}

async function verifyImage(run: Run, reference: string): Promise<ArtifactVerdict> {
  if (run.options.offline)
    throw new RaygateError(
      'USAGE_INVALID',
      'usage',
      'image: artifacts are read from a registry; drop --offline (or verify an oci-dir: layout).',
    );
  const ref = parseImageReference(reference);
  const client = await connectRegistry(ref, registryAccess(run.options));
  try {
    const subject = await resolveSubject(client, ref.digest ?? ref.tag!);
    const discovery = await discoverAttachments(registryAttachmentStore(client), subject.digest);
    const hex = subject.digest.slice(7);
    const evidence = [...discovery.evidence, ...(await bundleEvidence(run.options.bundle ?? [], hex))];
    if (run.options.githubAttestations)
      evidence.push(...(await githubEvidence(run, hex, discovery.problems)));
    return await judge(
      run,
      {
        kind: 'image',
        name: `image:${reference}`,
        sha256: hex,
        reference: `${ref.registry}/${ref.repository}@${subject.digest}`,
      },
      evidence,
      discovery.problems,
    );
  } finally {
    await client.close();
  }
}

/**
 * A `docker save` archive. Signatures and attestations are about a registry manifest digest, which a
 * legacy archive (`<id>/layer.tar`, manifest.json only) does not keep: nothing can be attached to it, so
 * the subject is the image ID (its config digest), only --bundle and GitHub evidence about that digest
 * apply, and the report says why nothing else was looked for. An OCI-in-tar archive (docker save since
 * Docker 25) keeps the manifest and index, and is searched like an OCI layout for that image.
 */
async function verifyDockerArchive(
  run: Run,
  target: { path: string; tag?: string },
): Promise<ArtifactVerdict> {
  const [{ readDockerArchive }, { IMAGE_LIMITS }] = await Promise.all([
    import('../../sbom/sources/docker-archive-reader.ts'),
    import('../../sbom/sources/image-limits.ts'),
  ]);
  const name = `docker-archive:${target.path}${target.tag ? `:${target.tag}` : ''}`;
  const image = await readDockerArchive(
    target.path,
    target.tag ? { tag: target.tag } : {},
    IMAGE_LIMITS,
    name,
  );
  await image.close?.();
  if (image.description.digest)
    return verifyLayout(run, { ...target, layout: 'docker-archive' }, image.description.digest);
  const configDigest = image.description.properties?.['raygate:image:config-digest'] ?? '';
  const hex = configDigest.replace(/^sha256:/, '');
  const problems: DiscoveryProblem[] = [
    {
      code: 'DOCKER_ARCHIVE_NO_ATTACHMENTS',
      message: `${target.path} is a legacy docker save archive: it keeps no registry manifest, so no signature or attestation can refer to it (image ID ${configDigest}). Verify the image in its registry (image:REF), or an OCI layout of it (oci-dir:, oci-archive:).`,
    },
  ];
  const evidence = await bundleEvidence(run.options.bundle ?? [], hex);
  if (run.options.githubAttestations) evidence.push(...(await githubEvidence(run, hex, problems)));
  const verdict = await judge(run, { kind: 'image', name, sha256: hex }, evidence, problems);
  // Known for certain, not a lookup that could not be made: no evidence, rather than not checked.
  if (verdict.verdict === 'not-checked' && problems.length === 1) {
    return {
      ...verdict,
      verdict: 'no-evidence',
      reasons: ['no signature or attestation can be attached to a legacy docker save archive'],
    };
  }
  return verdict;
}

async function verifyLayout(
  run: Run,
  target: { layout: 'oci-dir' | 'oci-archive' | 'docker-archive'; path: string; tag?: string },
  manifestDigest?: string,
): Promise<ArtifactVerdict> {
  const kind = target.layout === 'oci-dir' ? 'oci-dir' : 'oci-archive';
  const discovery = await discoverLayoutAttachments(
    { kind, path: target.path },
    manifestDigest ? undefined : target.tag,
    manifestDigest,
  );
  const hex = discovery.subject.digest.slice(7);
  const evidence = [...discovery.evidence, ...(await bundleEvidence(run.options.bundle ?? [], hex))];
  if (run.options.githubAttestations) evidence.push(...(await githubEvidence(run, hex, discovery.problems)));
  return await judge(
    run,
    {
      kind: 'image',
      name: `${target.layout}:${target.path}${target.tag ? `:${target.tag}` : ''}`,
      sha256: hex,
    },
    evidence,
    discovery.problems,
  );
}

async function verifyDigestOrFile(
  run: Run,
  target: { kind: 'digest'; sha256: string } | { kind: 'file'; path: string },
): Promise<ArtifactVerdict> {
  const bytes = target.kind === 'file' ? await readBounded(target.path, 'the artifact') : undefined;
  const hex = target.kind === 'digest' ? target.sha256 : sha256(bytes!);
  const problems: DiscoveryProblem[] = [];
  const evidence = await bundleEvidence(run.options.bundle ?? [], hex, bytes);
  if (target.kind === 'digest' || run.options.githubAttestations)
    evidence.push(...(await githubEvidence(run, hex, problems)));
  return await judge(
    run,
    { kind: target.kind, name: target.kind === 'digest' ? `sha256:${hex}` : target.path, sha256: hex },
    evidence,
    problems,
  );
}

/** The PyPI distributions of an environment, with the sha256 digests its lock allows. */
async function pinnedDistributions(target: string): Promise<PinnedDistribution[]> {
  const inventory = await resolveScanInventory([target]);
  const byKey = new Map<string, PinnedDistribution>();
  for (const pkg of inventory.packages) {
    if (pkg.ecosystem !== 'pypi' || !pkg.version) continue;
    if (pkg.metadata.kind === 'python-declared' && !pkg.metadata.pinned) continue;
    const hashes = new Set<string>();
    for (const h of pkg.hashes) if (h.algorithm === 'sha256') hashes.add(h.value);
    if (pkg.metadata.kind === 'python-declared') {
      for (const artifact of pkg.metadata.artifacts ?? [])
        for (const h of artifact.hashes) if (h.algorithm === 'sha256') hashes.add(h.value);
    }
    const key = `${pkg.name}==${pkg.version}`;
    const existing = byKey.get(key);
    if (existing) {
      for (const h of hashes) if (!existing.sha256!.includes(h)) existing.sha256!.push(h);
    } else byKey.set(key, { name: pkg.name, version: pkg.version, sha256: [...hashes] });
  }
  return [...byKey.values()].sort((a, b) => a.name.localeCompare(b.name));
}

async function verifyEnvironment(run: Run, target: string): Promise<DistributionCoverage[]> {
  const pinned = await pinnedDistributions(target);
  const rules = rulesForKind(run, 'wheel');
  const context: VerifyContext = {
    ...run.context,
    instances: run.pypi ? await run.trust() : [],
    identities: rules.identities,
    rules,
  };
  const results: DistributionCoverage[] = new Array(pinned.length);
  let next = 0;
  const worker = async () => {
    while (next < pinned.length) {
      const i = next++;
      results[i] = await distributionCoverage(run.pypi, pinned[i]!, context, {
        historyReleases: run.options.history,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, pinned.length) }, worker));
  return results;
}

function coverageExit(coverage: readonly DistributionCoverage[], rules: VerifyRules): number {
  const drift = coverage.some((c) => typeof c.drift === 'object');
  const failing = coverage.some((c) => c.status === 'failing');
  const demanded = rules.require.some((r) => r !== 'any');
  const missing = demanded && coverage.some((c) => c.status === 'unattested' || c.status === 'partial');
  if (drift || failing || missing) return EXIT.findings;
  if (!coverage.some((c) => c.status === 'verified' || c.status === 'partial')) return EXIT.noEvidence;
  return EXIT.ok;
}

function artifactsExit(verdicts: readonly ArtifactVerdict[]): number {
  if (verdicts.some((v) => v.verdict === 'fail')) return EXIT.findings;
  if (verdicts.every((v) => v.verdict === 'pass')) return EXIT.ok;
  if (verdicts.some((v) => v.verdict === 'pass')) return EXIT.findings;
  return EXIT.noEvidence;
}

/** Exit 5 has two causes a user acts on differently: nothing exists, or nothing could be looked at. */
function noEvidenceMessage(report: VerifyReport): string {
  const unchecked = report.coverage
    ? report.coverage.every((c) => c.status === 'not-checked')
    : report.artifacts.every((a) => a.verdict === 'not-checked');
  return unchecked
    ? 'nothing could be checked (--offline, or the service was unreachable): this is not a clean result'
    : 'no evidence: nothing signed or attested was found';
}

function pypiBase(options: VerifyOptions): string {
  return options.pypiUrl ?? process.env.RAYGATE_PYPI_URL ?? PYPI_URL;
}

function cacheDir(): string {
  if (process.env.RAYGATE_PYPI_CACHE) return process.env.RAYGATE_PYPI_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'raygate', 'pypi');
}

export async function runVerify(artifact: string, options: VerifyOptions): Promise<number> {
  const target = await classify(artifact);
  const policy = options.policy ? await readVerifyPolicy(options.policy) : undefined;
  const flagIdentity = identityFromFlags(options);
  const key = options.key
    ? parsePublicKey((await readBounded(options.key, 'the key', 64 * 1024)).toString('utf8'), options.key)
    : undefined;
  let loaded: Promise<TrustInstance[]> | undefined;
  const trust = () => (loaded ??= loadTrustInstances(options));
  const pypi = options.offline
    ? undefined
    : new PypiClient({ baseUrl: pypiBase(options), cache: diskResponseCache(cacheDir()) });
  const run: Run = {
    options,
    policy,
    flagIdentity,
    context: { instances: [], keys: key ? [key] : [], identities: [] },
    pypi,
    trust,
  };

  // Images and digests have no publisher record to fall back on: someone must say who signs them.
  if (
    (target.kind === 'image' ||
      target.kind === 'layout' ||
      target.kind === 'digest' ||
      target.kind === 'file') &&
    !key
  ) {
    const kind: ArtifactKind =
      target.kind === 'digest' ? 'digest' : target.kind === 'file' ? 'file' : 'image';
    if (rulesForKind(run, kind).identities.length === 0) {
      throw new RaygateError(
        'USAGE_IDENTITY_REQUIRED',
        'usage',
        'Say who must have signed: identity flags (--certificate-identity …, --github-repository …), a --policy with identities, or --key.',
      );
    }
  }

  const report: VerifyReport = { artifacts: [], trust: [], exitCode: EXIT.ok };
  switch (target.kind) {
    case 'distribution':
      report.artifacts.push(await verifyDistributionFile(run, target.path));
      break;
    case 'pypi':
      report.artifacts.push(...(await verifyPypi(run, target)));
      break;
    case 'image':
      report.artifacts.push(await verifyImage(run, target.reference));
      break;
    case 'layout':
      report.artifacts.push(
        target.layout === 'docker-archive'
          ? await verifyDockerArchive(run, target)
          : await verifyLayout(run, target),
      );
      break;
    case 'digest':
    case 'file':
      report.artifacts.push(await verifyDigestOrFile(run, target));
      break;
    case 'environment':
      report.coverage = await verifyEnvironment(run, target.target);
      break;
  }
  if (loaded) report.trust = (await loaded).map((i) => i.name);
  report.exitCode = report.coverage
    ? coverageExit(report.coverage, rulesForKind(run, 'wheel'))
    : artifactsExit(report.artifacts);
  await writeOutput(
    options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderVerifyReport(report),
    options.output,
  );
  const drift = report.coverage?.filter((c) => typeof c.drift === 'object') ?? [];
  for (const c of drift)
    if (typeof c.drift === 'object') say(`raygate verify: publisher drift: ${c.drift.message}`);
  if (report.exitCode === EXIT.noEvidence) say(`raygate verify: ${noEvidenceMessage(report)} (exit 5).`);
  return report.exitCode;
}
