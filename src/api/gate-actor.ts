import type { Actor } from '../gate/actor.ts';
import { RaygateError } from '../shared/errors.ts';
import type { Principal } from './auth/principal.ts';

/** The verified caller as the gate sees it. */
export function actorOf(principal: Principal): Actor {
  if (principal.kind === 'anonymous' || principal.role === null) {
    throw new RaygateError('UNAUTHENTICATED', 'unauthorized', 'This needs a credential.');
  }
  if (principal.kind === 'token') {
    return {
      id: principal.actor,
      role: principal.role,
      projects: principal.projects,
      approvalRoles: principal.approvalRoles,
      description: { kind: 'token', token: principal.tokenId, name: principal.name },
    };
  }
  const c = principal.claims;
  return {
    id: principal.actor,
    role: principal.role,
    projects: principal.projects,
    approvalRoles: [],
    description: {
      kind: 'oidc',
      issuer: c.issuer,
      subject: c.subject,
      repository: c.repository,
      ref: c.ref,
      ...(c.workflowRef ? { workflowRef: c.workflowRef } : {}),
      ...(c.sha ? { sha: c.sha } : {}),
      ...(c.runId ? { runId: c.runId } : {}),
      ...(c.actor ? { actor: c.actor } : {}),
    },
  };
}
