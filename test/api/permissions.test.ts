import assert from 'node:assert/strict';
import { authorize, hasPermission, PERMISSIONS, roleGrants } from '../../src/api/auth/permissions.ts';
import { ANONYMOUS, type TokenPrincipal } from '../../src/api/auth/principal.ts';
import { ROLES, type Role } from '../../src/store/api-tokens.ts';

const token = (role: Role, projects: string[] | null): TokenPrincipal => ({
  kind: 'token',
  actor: `token:${role}`,
  tokenId: role,
  name: role,
  approvalRoles: [],
  role,
  projects,
});

describe('permissions', () => {
  it('keeps submitters from approving and approvers from submitting', () => {
    assert.equal(roleGrants('submitter', 'release:submit'), true);
    assert.equal(roleGrants('submitter', 'release:approve'), false);
    assert.equal(roleGrants('approver', 'release:approve'), true);
    assert.equal(roleGrants('approver', 'release:submit'), false);
  });

  it('gives admin everything and every role its own session and read access', () => {
    for (const permission of PERMISSIONS) assert.equal(roleGrants('admin', permission), true);
    for (const role of ROLES) {
      assert.equal(roleGrants(role, 'session:read'), true);
      assert.equal(roleGrants(role, 'release:read'), true);
    }
    assert.equal(roleGrants('viewer', 'token:manage'), false);
  });

  it('refuses anonymous callers everything', () => {
    for (const permission of PERMISSIONS) assert.equal(hasPermission(ANONYMOUS, permission), false);
  });

  it('checks the project scope: named projects for scoped tokens, global operations only for unscoped ones', () => {
    authorize(token('submitter', ['a']), 'release:submit', 'a');
    assert.throws(
      () => authorize(token('submitter', ['a']), 'release:submit', 'b'),
      /does not cover project b/,
    );
    assert.throws(() => authorize(token('admin', ['a']), 'token:manage'), /every project/);
    authorize(token('admin', null), 'token:manage');
    authorize(token('admin', null), 'token:manage', 'anything');
  });
});
