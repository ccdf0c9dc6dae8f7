import { RaygateError } from '../../shared/errors.ts';
import type { Role } from '../../store/api-tokens.ts';
import type { Principal } from './principal.ts';

/**
 * What a route may require. The role table below is the only place that says who may do what; routes
 * declare one permission each, and handlers add the project check for the resource they touch.
 */
export type Permission =
  | 'session:read' // see one's own identity
  | 'release:read'
  | 'release:submit'
  | 'release:approve'
  | 'audit:read'
  | 'exception:manage' // create, approve and revoke exceptions
  | 'token:manage';

export const PERMISSIONS: readonly Permission[] = [
  'session:read',
  'release:read',
  'release:submit',
  'release:approve',
  'audit:read',
  'exception:manage',
  'token:manage',
];

// Approvers do not submit and submitters do not approve: separation of duties starts with the roles.
const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: ['session:read', 'release:read'],
  submitter: ['session:read', 'release:read', 'release:submit'],
  approver: ['session:read', 'release:read', 'release:approve', 'audit:read'],
  admin: PERMISSIONS,
};

export function roleGrants(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** True when the principal's role grants `permission` for at least one project. */
export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.role !== null && roleGrants(principal.role, permission);
}

/** True when `project` is within the principal's scope. */
export function coversProject(principal: Principal, project: string): boolean {
  const projects: readonly string[] | null = principal.projects;
  return projects === null || projects.includes(project);
}

/** Throws FORBIDDEN unless the principal holds `permission` for `project` (or globally when undefined). */
export function authorize(principal: Principal, permission: Permission, project?: string): void {
  if (!hasPermission(principal, permission)) {
    throw new RaygateError(
      'FORBIDDEN',
      'forbidden',
      `Role ${principal.role ?? 'anonymous'} may not ${permission}.`,
    );
  }
  if (project === undefined ? principal.projects !== null : !coversProject(principal, project)) {
    throw new RaygateError(
      'FORBIDDEN',
      'forbidden',
      project === undefined
        ? `This needs a token for every project; yours covers ${principal.projects?.join(', ')}.`
        : `Your credential does not cover project ${project}.`,
    );
  }
}
