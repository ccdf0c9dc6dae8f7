import type { Route } from '../define-route.ts';
import type { ApiServices } from '../services.ts';
import { createApprovalRoutes } from './approvals.ts';
import { createAuditRoutes } from './audit.ts';
import { createDigestRoutes } from './digests.ts';
import { createExceptionRoutes } from './exceptions.ts';
import { createPolicyRoutes } from './policies.ts';
import { createReleaseEventRoutes } from './release-events.ts';
import { createReleaseRoutes } from './releases.ts';
import { createVsaRoutes } from './vsa.ts';
import { createSessionRoutes } from './session.ts';
import { createTokenRoutes } from './tokens.ts';
import { createUiSessionRoutes } from './ui-sessions.ts';

/** A file of routes: given the services, its route definitions. */
export type RouteModule = (services: ApiServices) => readonly Route[];

/** Every feature route module; adding an API area is one file and one line here. */
export const ROUTE_MODULES: readonly RouteModule[] = [
  () => createSessionRoutes(),
  (services) => createTokenRoutes(services),
  (services) => createAuditRoutes(services),
  (services) => createReleaseRoutes(services),
  (services) => createApprovalRoutes(services),
  (services) => createReleaseEventRoutes(services),
  (services) => createVsaRoutes(services),
  (services) => createExceptionRoutes(services),
  (services) => createPolicyRoutes(services),
  (services) => createUiSessionRoutes(services),
  (services) => createDigestRoutes(services),
];
