// What each role may do, as the server's table says (src/api/auth/permissions.ts). The UI uses it only to
// decide which buttons to show; the server decides every request on its own.
const ROLE_PERMISSIONS = {
  viewer: ['release:read'],
  submitter: ['release:read', 'release:submit'],
  approver: ['release:read', 'release:approve', 'audit:read'],
  admin: ['release:read', 'release:submit', 'release:approve', 'audit:read', 'exception:manage'],
};

export function can(session, permission) {
  return Boolean(session && ROLE_PERMISSIONS[session.role]?.includes(permission));
}
