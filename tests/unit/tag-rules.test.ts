/** The role decision of tag rules (server/src/services/sync/tag-rules.ts), case by case, in product.md's order. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildRolePolicy, type RoleRef } from '../../server/src/services/sync/roles';
import { decideRole, ruleProblem, tagRuleErrors } from '../../server/src/services/sync/tag-rules';

const role = (id: number, name: string, type: string): RoleRef => ({ id, name, type });
const authenticated = role(1, 'Authenticated', 'authenticated');
const pro = role(2, 'Pro', 'pro');
const vip = role(3, 'VIP', 'vip');
const basic = role(4, 'Basic', 'basic');
const admin = role(5, 'Staff', 'staff'); // exists, never on the allowlist
const roles = [authenticated, pro, vip, basic, admin];
const policy = buildRolePolicy(
  roles,
  { defaultRole: '', allowedRoles: ['authenticated', 'pro', 'vip', 'basic'] },
  'authenticated'
);
const rules = [
  { tag: 'VIP', role: 'vip' },
  { tag: 'Pro', role: 'Pro' },
];

describe('decideRole', () => {
  it('1. a user whose role is off the allowlist is kept, whatever the tags and the parameter', () => {
    const d = decideRole({ current: admin, tags: ['vip'], rules, roles, policy, wanted: basic });
    assert.equal(d.reason, 'kept');
    assert.equal(d.role, undefined);
  });

  it('2. the first rule whose tag the user has wins (ignoring case), over the role parameter', () => {
    const d = decideRole({ current: authenticated, tags: ['pro', 'vip'], rules, roles, policy, wanted: basic });
    assert.deepEqual([d.reason, d.role, d.rule], ['rule', vip, 'VIP']);
    const only = decideRole({ current: authenticated, tags: ['PRO'], rules, roles, policy });
    assert.deepEqual([only.reason, only.role, only.rule], ['rule', pro, 'Pro']);
  });

  it('2. a new user gets the rule role', () => {
    const d = decideRole({ current: undefined, tags: ['Pro'], rules, roles, policy });
    assert.deepEqual([d.reason, d.role], ['rule', pro]);
  });

  it('3. the tag went and the role is a rule role: back to the parameter, else the default role', () => {
    const withParam = decideRole({ current: pro, tags: ['other'], rules, roles, policy, wanted: basic });
    assert.deepEqual([withParam.reason, withParam.role], ['rule-gone', basic]);
    const noParam = decideRole({ current: pro, tags: [], rules, roles, policy });
    assert.deepEqual([noParam.reason, noParam.role], ['rule-gone', authenticated]);
  });

  it('4. no rule concerned: the parameter, the default for a new user, or unchanged', () => {
    assert.deepEqual(decideRole({ current: basic, tags: [], rules, roles, policy, wanted: pro }).role, pro);
    const neu = decideRole({ current: undefined, tags: [], rules, roles, policy });
    assert.deepEqual([neu.reason, neu.role], ['default', authenticated]);
    const same = decideRole({ current: basic, tags: ['x'], rules, roles, policy });
    assert.deepEqual([same.reason, same.role], ['unchanged', undefined]);
  });

  it('rules do not act when the delivery does not know the tags', () => {
    const d = decideRole({ current: pro, tags: undefined, rules, roles, policy });
    assert.equal(d.reason, 'unchanged');
  });

  it('a rule whose role does not exist (or is off the allowlist) is skipped with a warning; the next rule applies', () => {
    const withMissing = [{ tag: 'Gold', role: 'gold' }, { tag: 'Staff', role: 'staff' }, ...rules];
    const d = decideRole({ current: authenticated, tags: ['gold', 'staff', 'pro'], rules: withMissing, roles, policy });
    assert.deepEqual([d.reason, d.role], ['rule', pro]);
    assert.equal(d.warnings.length, 2);
    assert.match(d.warnings[0]!, /no role "gold"/);
    assert.match(d.warnings[1]!, /not on the webhook allowlist/);
    assert.equal(ruleProblem({ tag: 'Pro', role: 'pro' }, roles, policy), null);
  });
});

describe('tagRuleErrors (config and panel)', () => {
  const settings = { allowedRoles: ['authenticated', 'Pro'], defaultRole: '' };
  it('a role off the allowlist is named by index; names and types of one role match', () => {
    const errors = tagRuleErrors(
      [
        { tag: 'Pro', role: 'pro' },
        { tag: 'VIP', role: 'vip' },
      ],
      settings,
      roles
    );
    assert.deepEqual(
      errors.map((e) => [e.index, e.field]),
      [[1, 'role']]
    );
    assert.match(errors[0]!.message, /not on the list of roles/);
  });
  it('a role that does not exist yet but is named on the allowlist passes', () => {
    assert.deepEqual(
      tagRuleErrors([{ tag: 'Gold', role: 'gold' }], { allowedRoles: ['gold'], defaultRole: '' }, roles),
      []
    );
  });
  it('an empty allowlist means the default role only', () => {
    assert.equal(
      tagRuleErrors([{ tag: 'Pro', role: 'pro' }], { allowedRoles: [], defaultRole: '' }, roles, 'authenticated')
        .length,
      1
    );
    assert.equal(
      tagRuleErrors(
        [{ tag: 'A', role: 'Authenticated' }],
        { allowedRoles: [], defaultRole: '' },
        roles,
        'authenticated'
      ).length,
      0
    );
  });
  it('a second rule for the same tag (any case) is refused', () => {
    const errors = tagRuleErrors(
      [
        { tag: 'Pro', role: 'pro' },
        { tag: 'PRO ', role: 'authenticated' },
      ],
      settings,
      roles
    );
    assert.deepEqual(
      errors.map((e) => [e.index, e.field]),
      [[1, 'tag']]
    );
  });
});
