import { releaseNotFound } from '../../gate/errors.ts';
import { releaseDetail, releaseSummary } from '../../gate/release-views.ts';
import { SUBMISSION_SCHEMA, type SubmissionBody } from '../../gate/submission.ts';
import { RaygateError } from '../../shared/errors.ts';
import { PROJECT_PATTERN } from '../../store/api-tokens.ts';
import { getDocument } from '../../store/documents.ts';
import { listAuditEntries } from '../../store/repos/audit-log.ts';
import { findDecision, listDecisions } from '../../store/repos/release-evidence.ts';
import type { ReleaseState } from '../../store/repos/releases.ts';
import { listArtifacts, listReleaseDocuments } from '../../store/repos/releases.ts';
import { coversProject } from '../auth/permissions.ts';
import { defineRoute, ok, type JsonSchema, type Route } from '../define-route.ts';
import { actorOf } from '../gate-actor.ts';
import { ReleaseDetailCache } from '../release-detail-cache.ts';
import type { ApiServices } from '../services.ts';
import { decodeCursor, encodeCursor, RELEASE_ID_PARAMS, visibleRelease } from './release-access.ts';

const STATES: readonly ReleaseState[] = [
  'pending',
  'evaluating',
  'awaiting_approval',
  'approved',
  'rejected',
];

const RELEASE_SUMMARY: JsonSchema = {
  type: 'object',
  required: ['id', 'project', 'version', 'state', 'policy', 'submittedBy', 'submittedAt'],
  properties: {
    id: { type: 'string' },
    project: { type: 'string' },
    version: { type: 'string' },
    git: { type: 'object' },
    policy: { type: 'object', properties: { name: { type: 'string' }, digest: { type: 'string' } } },
    state: { enum: [...STATES] },
    verdict: { enum: ['allow', 'deny', 'needs-approval', null] },
    summary: { type: ['string', 'null'] },
    submittedBy: { type: 'string' },
    submittedAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    vsa: { enum: ['none', 'pending', 'issued', 'failed'] },
  },
};

export const RELEASE_DETAIL: JsonSchema = {
  ...RELEASE_SUMMARY,
  properties: {
    ...(RELEASE_SUMMARY.properties as object),
    artifacts: { type: 'array', items: { type: 'object' } },
    documents: { type: 'array', items: { type: 'object' } },
    evidence: { type: ['object', 'null'] },
    decision: {
      type: ['object', 'null'],
      description: 'The current decision: verdict, every rule result with its reasons, exceptions, inputs.',
    },
    decisions: { type: 'array', items: { type: 'object' } },
    approvals: { type: 'array', items: { type: 'object' } },
    rejections: { type: 'array', items: { type: 'object' } },
    vsas: { type: 'array', items: { type: 'object' } },
    links: { type: 'object' },
  },
};

interface ListQuery {
  project?: string;
  state?: ReleaseState;
  limit: number;
  cursor?: string;
}

/** Release candidates: submit, list, read, their evidence, SBOMs, audit trail and policy. */
export function createReleaseRoutes(services: ApiServices): Route[] {
  const { gate, db } = services;
  const details = services.dataVersion ? new ReleaseDetailCache(services.dataVersion) : undefined;
  return [
    defineRoute<SubmissionBody>({
      name: 'submitRelease',
      method: 'post',
      path: '/api/v1/releases',
      summary: 'Submit a release candidate; its evidence is collected in the background.',
      description:
        'Images are named by digest (registry/repository@sha256:…) in a registry the gate is configured to read; ' +
        'wheels, sdists and other files by name and sha256. Documents (CycloneDX JSON SBOMs, Sigstore bundles, lock ' +
        'files, Ray deployment manifests) travel base64 and are stored once by digest. Submitting the same content ' +
        'again (same submitter) returns the existing live release with 200.',
      tags: ['releases'],
      permission: 'release:submit',
      body: SUBMISSION_SCHEMA as unknown as JsonSchema,
      maxBodyBytes: gate.maxSubmissionBytes,
      responses: {
        201: { description: 'Created; state pending.', schema: RELEASE_DETAIL },
        200: { description: 'The same submission exists already.', schema: RELEASE_DETAIL },
        422: {
          description:
            'The submission is invalid (GATE_SUBMISSION_INVALID, GATE_REGISTRY_NOT_ALLOWED, GATE_POLICY_UNKNOWN).',
        },
      },
      handler: async ({ body, principal, authorize }) => {
        authorize('release:submit', body.project);
        const { release, created } = await gate.releases.submit(actorOf(principal), body);
        return ok(await releaseDetail(db, release), created ? 201 : 200, {
          Location: `/api/v1/releases/${release.id}`,
        });
      },
    }),
    defineRoute<undefined, ListQuery>({
      name: 'listReleases',
      method: 'get',
      path: '/api/v1/releases',
      summary: 'Release candidates, newest first, optionally of one project and in one state.',
      tags: ['releases'],
      permission: 'release:read',
      query: {
        type: 'object',
        additionalProperties: false,
        properties: {
          project: { type: 'string', pattern: PROJECT_PATTERN },
          state: { enum: [...STATES] },
          limit: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
          cursor: { type: 'string', maxLength: 200, description: '`next` of the previous page.' },
        },
      },
      responses: {
        200: {
          description: 'A page of releases; `next` is the cursor of the following page (null at the end).',
          schema: {
            type: 'object',
            properties: {
              releases: { type: 'array', items: RELEASE_SUMMARY },
              next: { type: ['string', 'null'] },
            },
          },
        },
      },
      handler: async ({ query, principal, authorize }) => {
        if (query.project !== undefined) authorize('release:read', query.project);
        const before = decodeCursor(query.cursor);
        const releases = await gate.releases.list({
          ...(principal.projects === null ? {} : { projects: principal.projects }),
          ...(query.project !== undefined ? { project: query.project } : {}),
          ...(query.state !== undefined ? { state: query.state } : {}),
          ...(before ? { before: { submittedAt: before.at, id: before.id } } : {}),
          limit: query.limit,
        });
        const items = [];
        for (const r of releases) {
          items.push(
            releaseSummary(r, r.decisionId === null ? undefined : await findDecision(db, r.decisionId)),
          );
        }
        const last = releases.at(-1);
        return ok({
          releases: items,
          next: releases.length === query.limit && last ? encodeCursor(last.submittedAt, last.id) : null,
        });
      },
    }),
    defineRoute<undefined, Record<string, never>, { id: string }>({
      name: 'getRelease',
      method: 'get',
      path: '/api/v1/releases/:id',
      summary:
        'One release: artifacts with evidence counts, the decision with every rule result, reviews, VSAs.',
      tags: ['releases'],
      permission: 'release:read',
      params: RELEASE_ID_PARAMS,
      responses: {
        200: { description: 'The release.', schema: RELEASE_DETAIL },
        404: { description: 'No such release.' },
      },
      handler: async ({ params, principal }) => {
        if (!details)
          return ok(await releaseDetail(db, await visibleRelease(services, principal, params.id)));
        const { project, json } = await details.get(params.id, async () => {
          const release = await visibleRelease(services, principal, params.id);
          return { project: release.project, detail: await releaseDetail(db, release) };
        });
        if (!coversProject(principal, project)) throw releaseNotFound(params.id);
        return { status: 200, body: json, contentType: 'application/json; charset=utf-8' };
      },
    }),
    defineRoute<undefined, { decision?: number }, { id: string }>({
      name: 'getReleaseEvidence',
      method: 'get',
      path: '/api/v1/releases/:id/evidence',
      summary:
        'The evidence a decision was made from, with that decision: replay it with `raygate policy test`.',
      description:
        'Save the body as a file and run `raygate policy test POLICY.yaml --evidence FILE` with the policy from ' +
        '`/policy`: the replay uses the decision time and reports whether the verdict is the same.',
      tags: ['releases'],
      permission: 'release:read',
      params: RELEASE_ID_PARAMS,
      query: {
        type: 'object',
        additionalProperties: false,
        properties: {
          decision: { type: 'integer', minimum: 1, description: 'A decision id; default the current one.' },
        },
      },
      responses: {
        200: {
          description: '`{evidence, decision}` (raygate.dev/evidence/v1 and raygate.dev/decision/v1).',
          schema: {
            type: 'object',
            required: ['evidence', 'decision'],
            properties: { evidence: { type: 'object' }, decision: { type: 'object' } },
          },
        },
        404: { description: 'No such release, or no decision yet.' },
      },
      handler: async ({ params, query, principal }) => {
        const release = await visibleRelease(services, principal, params.id);
        const id = query.decision ?? release.decisionId;
        const record = id === null || id === undefined ? undefined : await findDecision(db, id);
        if (!record || record.releaseId !== release.id) {
          throw new RaygateError(
            'GATE_DECISION_NOT_FOUND',
            'not-found',
            `Release ${release.id} has no such decision yet.`,
          );
        }
        const evidence = (await getDocument(db, record.evidenceDigest)).content.toString('utf8');
        const decision = (await getDocument(db, record.decisionDigest)).content.toString('utf8');
        // Sent as stored (canonical JSON), so the evidence digest recomputes to what the decision says.
        return {
          status: 200,
          contentType: 'application/json',
          body: `{"decision":${decision},"evidence":${evidence}}`,
        };
      },
    }),
    defineRoute<undefined, Record<string, never>, { id: string }>({
      name: 'getReleasePolicy',
      method: 'get',
      path: '/api/v1/releases/:id/policy',
      summary: 'The policy file the release is judged by, as it was when the release was submitted.',
      tags: ['releases'],
      permission: 'release:read',
      params: RELEASE_ID_PARAMS,
      responses: {
        200: { description: 'The policy YAML.', contentType: 'application/yaml', schema: { type: 'string' } },
      },
      handler: async ({ params, principal }) => {
        const release = await visibleRelease(services, principal, params.id);
        const stored = await getDocument(db, release.policyDocument);
        return { status: 200, contentType: 'application/yaml; charset=utf-8', body: stored.content };
      },
    }),
    defineRoute<undefined, Record<string, never>, { id: string; n: number }>({
      name: 'getArtifactSbom',
      method: 'get',
      path: '/api/v1/releases/:id/artifacts/:n/sbom',
      summary: "An artifact's SBOM (CycloneDX JSON): the one uploaded, or the one the gate generated.",
      tags: ['releases'],
      permission: 'release:read',
      params: {
        type: 'object',
        required: ['id', 'n'],
        properties: {
          id: (RELEASE_ID_PARAMS.properties as Record<string, JsonSchema>).id,
          n: { type: 'integer', minimum: 0, maximum: 9999 },
        },
      },
      responses: {
        200: {
          description: 'CycloneDX JSON.',
          contentType: 'application/vnd.cyclonedx+json',
          schema: { type: 'object' },
        },
        404: { description: 'No such artifact, or it has no SBOM (yet).' },
      },
      handler: async ({ params, principal }) => {
        const release = await visibleRelease(services, principal, params.id);
        const artifact = (await listArtifacts(db, release.id)).find((a) => a.n === params.n);
        const documents = await listReleaseDocuments(db, release.id);
        const digest =
          documents.find((d) => d.role === 'sbom' && d.artifact === params.n)?.digest ?? artifact?.sbomDigest;
        if (!artifact || !digest) {
          throw new RaygateError(
            'GATE_SBOM_NOT_FOUND',
            'not-found',
            `Artifact ${params.n} of ${release.id} has no SBOM.`,
          );
        }
        const stored = await getDocument(db, digest);
        return {
          status: 200,
          contentType: 'application/vnd.cyclonedx+json',
          body: stored.content,
          headers: {
            'Content-Disposition': `attachment; filename="${release.id}-${params.n}.cdx.json"`,
            ETag: `"${digest}"`,
          },
        };
      },
    }),
    defineRoute<undefined, { after: number; limit: number }, { id: string }>({
      name: 'listReleaseAudit',
      method: 'get',
      path: '/api/v1/releases/:id/audit',
      summary:
        "The release's audit entries in chain order (submission, state changes, decisions, reviews, VSAs).",
      tags: ['releases', 'audit'],
      permission: 'release:read',
      params: RELEASE_ID_PARAMS,
      query: {
        type: 'object',
        additionalProperties: false,
        properties: {
          after: { type: 'integer', minimum: 0, default: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
        },
      },
      responses: { 200: { description: 'Entries with their chain hashes.', schema: { type: 'object' } } },
      handler: async ({ params, query, principal }) => {
        const release = await visibleRelease(services, principal, params.id);
        const entries = await listAuditEntries(db, {
          afterSeq: query.after,
          limit: query.limit,
          subject: { kind: 'release', id: release.id },
        });
        return ok({
          entries: entries.map((e) => ({
            seq: e.seq,
            recordedAt: e.recordedAt.toISOString(),
            actor: e.actor,
            action: e.action,
            details: e.details,
            prevHash: e.prevHash,
            hash: e.hash,
          })),
        });
      },
    }),
    defineRoute<undefined, Record<string, never>, { id: string }>({
      name: 'listReleaseDecisions',
      method: 'get',
      path: '/api/v1/releases/:id/decisions',
      summary: 'Every decision made about the release, oldest first, with the digests of its inputs.',
      tags: ['releases'],
      permission: 'release:read',
      params: RELEASE_ID_PARAMS,
      responses: { 200: { description: 'Decisions.', schema: { type: 'object' } } },
      handler: async ({ params, principal }) => {
        const release = await visibleRelease(services, principal, params.id);
        return ok({
          decisions: (await listDecisions(db, release.id)).map((d) => ({
            id: d.id,
            verdict: d.verdict,
            trigger: d.trigger,
            summary: d.summary,
            evaluatedAt: d.evaluatedAt.toISOString(),
            inputs: {
              policy: { name: d.policyName, digest: d.policyDigest },
              evidence: d.evidenceDigest,
              decision: d.decisionDigest,
              advisories: d.advisoriesDigest,
              trustedRoot: d.trustedRootDigest,
            },
          })),
        });
      },
    }),
  ];
}
