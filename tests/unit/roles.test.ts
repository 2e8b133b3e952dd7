import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildRolePolicy,
  findRole,
  isAllowed,
  requestedRole,
  type RoleRef,
} from '../../server/src/services/sync/roles';
import { webhookError } from '../helpers/assertions';

const ROLES: RoleRef[] = [
  { id: 1, name: 'Authenticated', type: 'authenticated' },
  { id: 2, name: 'Public', type: 'public' },
  { id: 3, name: 'Site Editor', type: 'editor' },
  { id: 4, name: 'Customer', type: 'customer' },
  // A role whose *name* is another role's type: the type match must win.
  { id: 5, name: 'editor', type: 'legacy-editor' },
];

const noDefault = { defaultRole: '', allowedRoles: [] as string[] };

describe('findRole', () => {
  it('finds a role by type, ignoring case and surrounding blanks', () => {
    for (const q of ['customer', 'CUSTOMER', 'Customer', '  customer ']) assert.equal(findRole(ROLES, q)?.id, 4, q);
  });

  it('finds a role by name, ignoring case', () => {
    for (const q of ['Site Editor', 'site editor', 'SITE EDITOR']) assert.equal(findRole(ROLES, q)?.id, 3, q);
  });

  it('prefers a type match over a name match', () => {
    assert.equal(findRole(ROLES, 'editor')?.id, 3);
    assert.equal(findRole(ROLES, 'legacy-editor')?.id, 5);
  });

  it('finds nothing for an unknown role, an id or a partial name', () => {
    for (const q of ['admin', '3', 'Site', 'custom', '']) assert.equal(findRole(ROLES, q), undefined, q);
  });
});

describe('buildRolePolicy', () => {
  it("defaults to users-permissions' default role, and allows only it", () => {
    const p = buildRolePolicy(ROLES, noDefault, 'customer');
    assert.equal(p.defaultRole.id, 4);
    assert.deepEqual(
      p.allowed.map((r) => r.id),
      [4]
    );
  });

  it('falls back to "authenticated" when users-permissions names no default role', () => {
    const p = buildRolePolicy(ROLES, noDefault, undefined);
    assert.equal(p.defaultRole.type, 'authenticated');
    assert.deepEqual(p.allowed, [p.defaultRole]);
  });

  it("the plugin's defaultRole (by type or name) wins over users-permissions'", () => {
    assert.equal(
      buildRolePolicy(ROLES, { defaultRole: 'Customer', allowedRoles: [] }, 'authenticated').defaultRole.id,
      4
    );
    assert.equal(
      buildRolePolicy(ROLES, { defaultRole: 'site editor', allowedRoles: [] }, 'authenticated').defaultRole.id,
      3
    );
  });

  it('a default role that does not exist is a configuration error (503), naming it', () => {
    const e = webhookError(() => buildRolePolicy(ROLES, { defaultRole: 'ghost', allowedRoles: [] }, 'authenticated'));
    assert.equal(e.status, 503);
    assert.equal(e.code, 'not_configured');
    assert.match(e.message, /"ghost"/);
    assert.equal(webhookError(() => buildRolePolicy([ROLES[1]!], noDefault, undefined)).status, 503);
  });

  it('an explicit allowlist replaces the default one; unknown entries are dropped', () => {
    const p = buildRolePolicy(
      ROLES,
      { defaultRole: '', allowedRoles: ['customer', 'Site Editor', 'ghost'] },
      'authenticated'
    );
    assert.equal(p.defaultRole.id, 1);
    assert.deepEqual(
      p.allowed.map((r) => r.id),
      [4, 3]
    );
    assert.equal(isAllowed(p, p.defaultRole), false, 'the default role is not added to an explicit list');
  });
});

describe('isAllowed', () => {
  const policy = buildRolePolicy(ROLES, noDefault, 'authenticated');
  it('compares by id and refuses no role', () => {
    assert.equal(isAllowed(policy, { id: 1 }), true);
    assert.equal(isAllowed(policy, { id: 2 }), false);
    assert.equal(isAllowed(policy, null), false);
    assert.equal(isAllowed(policy, undefined), false);
  });
});

describe('requestedRole', () => {
  const policy = buildRolePolicy(
    ROLES,
    { defaultRole: '', allowedRoles: ['authenticated', 'customer'] },
    'authenticated'
  );

  it('returns an allowed role, by type or name in any case', () => {
    assert.equal(requestedRole(ROLES, policy, 'customer').id, 4);
    assert.equal(requestedRole(ROLES, policy, 'CUSTOMER').id, 4);
    assert.equal(requestedRole(ROLES, policy, 'Authenticated').id, 1);
  });

  for (const name of ['ghost', 'admin', '4', 'Customers']) {
    it(`422 unknown_role for a role that does not exist: ${name}`, () => {
      const e = webhookError(() => requestedRole(ROLES, policy, name));
      assert.equal(e.status, 422);
      assert.equal(e.code, 'unknown_role');
      assert.ok(e.message.includes(`"${name}"`), e.message);
    });
  }

  for (const name of ['public', 'Public', 'editor', 'Site Editor', 'legacy-editor']) {
    it(`403 role_not_allowed for an existing role off the allowlist: ${name}`, () => {
      const e = webhookError(() => requestedRole(ROLES, policy, name));
      assert.equal(e.status, 403);
      assert.equal(e.code, 'role_not_allowed');
      assert.ok(e.message.includes(`"${name}"`), e.message);
      assert.match(e.message, /allowedRoles/);
    });
  }

  it('with the default policy only the default role may be asked for: public is 403', () => {
    const def = buildRolePolicy(ROLES, noDefault, 'authenticated');
    assert.equal(requestedRole(ROLES, def, 'authenticated').id, 1);
    assert.equal(webhookError(() => requestedRole(ROLES, def, 'public')).status, 403);
    assert.equal(webhookError(() => requestedRole(ROLES, def, 'customer')).status, 403);
  });
});
