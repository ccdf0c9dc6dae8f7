import type { GateLimitsConfig } from '../config.ts';
import { parseDistributionFilename } from '../attest/pep740/dist-filename.ts';
import { formatReference, parseImageReference } from '../oci/reference.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { sha256Ref } from '../shared/digest.ts';
import { RaygateError } from '../shared/errors.ts';
import { PROJECT_PATTERN } from '../store/api-tokens.ts';
import type { ArtifactKind, DocumentRole } from '../store/repos/releases.ts';
import type { RegistryPolicy } from './evidence/environment.ts';
import { registryNotAllowed } from './evidence/registry-policy.ts';

/** A release candidate as CI submits it (`POST /api/v1/releases`), after JSON Schema validation. */
export interface SubmissionBody {
  project: string;
  version: string;
  git?: { repository?: string; ref?: string; commit?: string };
  /** The policy to judge it by; the gate's default when absent. */
  policy?: string;
  artifacts: SubmittedArtifact[];
  documents?: SubmittedDocument[];
}

export type SubmittedArtifact =
  { kind: 'image'; image: string } | { kind: 'wheel' | 'sdist' | 'file'; name: string; sha256: string };

export interface SubmittedDocument {
  role: DocumentRole;
  /** The artifact (index into `artifacts`) an SBOM or bundle is about. */
  artifact?: number;
  /** File name (SBOM, bundle) or relative path (lock file, manifest) as in the source tree. */
  name: string;
  /** The bytes, base64. Their sha256 names the stored document. */
  content: string;
}

/** The submission, checked and decoded. */
export interface Submission {
  project: string;
  version: string;
  git: { repository?: string; ref?: string; commit?: string };
  policy: string;
  artifacts: { kind: ArtifactKind; name: string; digest: string; reference: string | null }[];
  documents: { role: DocumentRole; artifact: number | null; name: string; bytes: Buffer; digest: string }[];
}

const SHA256_HEX = '^[0-9a-f]{64}$';
const FILE_NAME = '^[A-Za-z0-9][A-Za-z0-9._+~-]{0,254}$';
const RELATIVE_PATH = '^(?!/)(?!.*(^|/)\\.\\.?(/|$))[A-Za-z0-9._+~@=/-]{1,512}$';

/** The request body's JSON Schema (2020-12): what the API validates before the checks below. */
export const SUBMISSION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['project', 'version', 'artifacts'],
  properties: {
    project: { type: 'string', pattern: PROJECT_PATTERN },
    version: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[^\\s/\\\\]+$' },
    git: {
      type: 'object',
      additionalProperties: false,
      properties: {
        repository: { type: 'string', minLength: 1, maxLength: 512 },
        ref: { type: 'string', minLength: 1, maxLength: 512, pattern: '^refs/' },
        commit: { type: 'string', pattern: '^[0-9a-f]{40}([0-9a-f]{24})?$' },
      },
    },
    policy: { type: 'string', minLength: 1, maxLength: 64 },
    artifacts: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: {
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['kind', 'image'],
            properties: {
              kind: { const: 'image' },
              image: {
                type: 'string',
                maxLength: 512,
                description: 'registry/repository@sha256:<hex> (a tag may precede the digest).',
              },
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['kind', 'name', 'sha256'],
            properties: {
              kind: { enum: ['wheel', 'sdist', 'file'] },
              name: { type: 'string', pattern: FILE_NAME },
              sha256: { type: 'string', pattern: SHA256_HEX },
            },
          },
        ],
      },
    },
    documents: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['role', 'name', 'content'],
        properties: {
          role: { enum: ['sbom', 'bundle', 'lock-file', 'manifest'] },
          artifact: { type: 'integer', minimum: 0 },
          name: { type: 'string', pattern: RELATIVE_PATH },
          content: { type: 'string', contentEncoding: 'base64', description: 'The file, base64.' },
        },
      },
    },
  },
} as const;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Checks what a schema cannot: images are named by digest and live in a configured registry; file names
 * match their kind; documents decode, stay within the limits, and point at existing artifacts; nothing is
 * listed twice. Throws a RaygateError naming the offending entry.
 */
export function checkSubmission(
  body: SubmissionBody,
  options: { limits: GateLimitsConfig; registries: RegistryPolicy; defaultPolicy: string },
): Submission {
  const { limits } = options;
  if (body.artifacts.length > limits.maxArtifacts) {
    throw invalid(
      `A release has at most ${limits.maxArtifacts} artifacts; this one has ${body.artifacts.length}.`,
      'limit',
    );
  }
  const artifacts: Submission['artifacts'] = body.artifacts.map((a, i) => {
    if (a.kind === 'image') {
      const ref = parseImageReference(a.image);
      if (!ref.digest || !ref.digest.startsWith('sha256:')) {
        throw invalid(
          `artifacts[${i}]: name the image by its digest (registry/repository@sha256:…), not only by a tag.`,
        );
      }
      if (!options.registries.isConfigured(ref.registry)) throw registryNotAllowed(ref.registry);
      const repository = `${ref.registry}/${ref.repository}`;
      return {
        kind: 'image',
        name: repository,
        digest: ref.digest,
        reference: formatReference({
          registry: ref.registry,
          repository: ref.repository,
          digest: ref.digest,
        }),
      };
    }
    if ((a.kind === 'wheel' || a.kind === 'sdist') && parseDistributionFilename(a.name)?.kind !== a.kind) {
      throw invalid(`artifacts[${i}]: ${a.name} is not a ${a.kind} file name.`);
    }
    return { kind: a.kind, name: a.name, digest: `sha256:${a.sha256}`, reference: null };
  });
  const seen = new Set<string>();
  artifacts.forEach((a, i) => {
    if (seen.has(a.digest)) throw invalid(`artifacts[${i}]: ${a.digest} is listed twice.`);
    seen.add(a.digest);
  });

  const given = body.documents ?? [];
  if (given.length > limits.maxDocuments) {
    throw invalid(
      `A release carries at most ${limits.maxDocuments} documents; this one has ${given.length}.`,
      'limit',
    );
  }
  const sbomFor = new Set<number>();
  const names = new Set<string>();
  const documents: Submission['documents'] = given.map((d, i) => {
    const where = `documents[${i}] (${d.name})`;
    const needsArtifact = d.role === 'sbom' || d.role === 'bundle';
    if (needsArtifact && d.artifact === undefined) throw invalid(`${where}: a ${d.role} names its artifact.`);
    if (!needsArtifact && d.artifact !== undefined)
      throw invalid(`${where}: a ${d.role} is about the release, not one artifact.`);
    if (d.artifact !== undefined && d.artifact >= artifacts.length) {
      throw invalid(`${where}: there is no artifacts[${d.artifact}].`);
    }
    if (d.role === 'sbom') {
      if (sbomFor.has(d.artifact!)) throw invalid(`${where}: artifacts[${d.artifact}] already has an SBOM.`);
      sbomFor.add(d.artifact!);
    }
    if (d.role === 'lock-file' || d.role === 'manifest') {
      if (names.has(`${d.role}:${d.name}`))
        throw invalid(`${where}: the ${d.role} ${d.name} is listed twice.`);
      names.add(`${d.role}:${d.name}`);
    }
    if (d.content.length % 4 === 1 || !BASE64.test(d.content))
      throw invalid(`${where}: content is not base64.`);
    if ((d.content.length * 3) / 4 > limits.maxDocumentBytes + 3) {
      throw invalid(`${where}: documents are limited to ${limits.maxDocumentBytes} bytes.`, 'limit');
    }
    const bytes = Buffer.from(d.content, 'base64');
    if (bytes.byteLength > limits.maxDocumentBytes) {
      throw invalid(`${where}: documents are limited to ${limits.maxDocumentBytes} bytes.`, 'limit');
    }
    if (d.role === 'sbom' || d.role === 'bundle') checkJson(bytes, where, d.role);
    return { role: d.role, artifact: d.artifact ?? null, name: d.name, bytes, digest: sha256Ref(bytes) };
  });

  return {
    project: body.project,
    version: body.version,
    git: { ...body.git },
    policy: body.policy ?? options.defaultPolicy,
    artifacts,
    documents,
  };
}

/**
 * Names a submission: the same content from the same submitter gives the same digest, so a CI job that
 * retries its submit finds the release it already created.
 */
export function submissionDigest(submission: Submission, submittedBy: string): string {
  return sha256Ref(
    canonicalJson({
      submittedBy,
      project: submission.project,
      version: submission.version,
      git: submission.git,
      policy: submission.policy,
      artifacts: submission.artifacts,
      documents: submission.documents.map((d) => ({
        role: d.role,
        artifact: d.artifact,
        name: d.name,
        digest: d.digest,
      })),
    }),
  );
}

function checkJson(bytes: Buffer, where: string, role: string): void {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid(
      `${where}: a ${role} must be JSON (${role === 'sbom' ? 'CycloneDX' : 'a Sigstore bundle'}).`,
    );
  }
  if (role === 'sbom' && (json as { bomFormat?: unknown } | null)?.bomFormat !== 'CycloneDX') {
    throw invalid(`${where}: the SBOM is not CycloneDX JSON (no "bomFormat": "CycloneDX").`);
  }
}

function invalid(message: string, kind: 'input' | 'limit' = 'input'): RaygateError {
  return new RaygateError(
    kind === 'limit' ? 'GATE_SUBMISSION_TOO_LARGE' : 'GATE_SUBMISSION_INVALID',
    kind,
    message,
  );
}
