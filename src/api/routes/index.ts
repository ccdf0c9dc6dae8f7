import type { Route } from '../define-route.ts';
import type { ApiServices } from '../services.ts';
import { createAuditRoutes } from './audit.ts';
import { createSessionRoutes } from './session.ts';
import { createTokenRoutes } from './tokens.ts';

/** A file of routes: given the services, its route definitions. */
export type RouteModule = (services: ApiServices) => readonly Route[];

/** Every feature route module; adding an API area is one file and one line here. */
export const ROUTE_MODULES: readonly RouteModule[] = [
  () => createSessionRoutes(),
  (services) => createTokenRoutes(services),
  (services) => createAuditRoutes(services),
];
