import { releaseDetail } from '../../gate/release-views.ts';
import { defineRoute, ok, type Route } from '../define-route.ts';
import { actorOf } from '../gate-actor.ts';
import type { ApiServices } from '../services.ts';
import { RELEASE_DETAIL } from './releases.ts';
import { RELEASE_ID_PARAMS, visibleRelease } from './release-access.ts';

interface ReviewBody {
  comment: string;
}

const REVIEW_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['comment'],
  properties: { comment: { type: 'string', minLength: 1, maxLength: 4000 } },
};

/** People's side of the gate: approve or reject a release candidate, with a comment. */
export function createApprovalRoutes(services: ApiServices): Route[] {
  const { gate, db } = services;
  return [
    defineRoute<ReviewBody, Record<string, never>, { id: string }>({
      name: 'approveRelease',
      method: 'post',
      path: '/api/v1/releases/:id/approvals',
      summary: 'Approve a release awaiting approval; the policy is judged again and may approve it.',
      description:
        'Separation of duties is enforced here: the submitter cannot approve (403 GATE_SOD_VIOLATION), an approver ' +
        'counts once (a repeat is 409 GATE_APPROVAL_DUPLICATE), and only a release awaiting approval can be ' +
        "approved (409 GATE_TRANSITION_INVALID). The approval records the approver's approval roles.",
      tags: ['releases', 'approvals'],
      permission: 'release:approve',
      params: RELEASE_ID_PARAMS,
      body: REVIEW_BODY,
      maxBodyBytes: 16 * 1024,
      responses: {
        201: { description: 'Approval recorded; the release as it now stands.', schema: RELEASE_DETAIL },
        404: { description: 'No such release.' },
        409: { description: 'Not awaiting approval, or already approved by this approver.' },
      },
      handler: async ({ params, body, principal, authorize }) => {
        const release = await visibleRelease(services, principal, params.id);
        authorize('release:approve', release.project);
        const evaluated = await gate.releases.approve(actorOf(principal), release.id, body.comment);
        return ok(await releaseDetail(db, evaluated.release), 201);
      },
    }),
    defineRoute<ReviewBody, Record<string, never>, { id: string }>({
      name: 'rejectRelease',
      method: 'post',
      path: '/api/v1/releases/:id/rejections',
      summary: 'Reject a release that is being evaluated or awaits approval.',
      tags: ['releases', 'approvals'],
      permission: 'release:approve',
      params: RELEASE_ID_PARAMS,
      body: REVIEW_BODY,
      maxBodyBytes: 16 * 1024,
      responses: {
        201: { description: 'Rejected.', schema: RELEASE_DETAIL },
        404: { description: 'No such release.' },
        409: {
          description: 'The release is pending, approved or already rejected (GATE_TRANSITION_INVALID).',
        },
      },
      handler: async ({ params, body, principal, authorize }) => {
        const release = await visibleRelease(services, principal, params.id);
        authorize('release:approve', release.project);
        const rejected = await gate.releases.reject(actorOf(principal), release.id, body.comment);
        return ok(await releaseDetail(db, rejected), 201);
      },
    }),
  ];
}
