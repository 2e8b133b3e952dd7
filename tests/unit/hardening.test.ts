/**
 * Unit tests of the pure parts of the hardening (issue 8): which user a delivery may change, what a mapped value
 * may be, how a payload is cleaned and how its secrets are sealed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchUser } from '../../server/src/services/sync/user-match';
import {
  attributeValueProblem,
  passwordProblem,
  usernameProblem,
} from '../../server/src/services/sync/attribute-values';
import { cleanJsonPayload, cleanText } from '../../server/src/services/webhook/clean-json';
import { parseJsonBody } from '../../server/src/services/webhook/body';
import { extractContact } from '../../server/src/services/webhook/contact';
import { restorePayloadSecrets, sealPayloadSecrets } from '../../server/src/services/webhook/payload-secrets';
import { pluginConfigSchema } from '../../server/src/config/schema';
import { isWebhookError } from '../../server/src/services/webhook/answers';
import { mappingRowProblem } from '../../server/src/services/sync/field-mapping';
import { describeError } from '../../server/src/utils/describe-error';

const u = (id: number, email: string, extra: Record<string, unknown> = {}) => ({
  id,
  documentId: `d${id}`,
  email,
  username: email,
  ...extra,
});
const safe = { leads: 'safe' as const, followEmailChanges: true };

describe('matchUser', () => {
  it('a user matched by crmhero_user_id with a new email moves it', () => {
    const m = matchUser({ email: 'new@x.co', kind: 'user' }, { byContactId: u(1, 'old@x.co') }, safe);
    assert.deepEqual(m.found && m.email, { change: true, from: 'old@x.co', to: 'new@x.co' });
  });
  it('followEmailChanges off keeps the email and says so', () => {
    const m = matchUser(
      { email: 'new@x.co', kind: 'user' },
      { byContactId: u(1, 'old@x.co') },
      { ...safe, followEmailChanges: false }
    );
    assert.equal(m.found && m.email.change, false);
    assert.match(m.found && !m.email.change ? (m.email.reason ?? '') : '', /followEmailChanges/);
  });
  it('never moves an email onto one another user has', () => {
    const m = matchUser(
      { email: 'new@x.co', kind: 'user' },
      { byContactId: u(1, 'old@x.co'), byEmail: u(2, 'new@x.co') },
      safe
    );
    assert.equal(m.found && m.email.change, false);
  });
  it('a lead never moves an email, even in full mode', () => {
    const m = matchUser(
      { email: 'new@x.co', kind: 'lead' },
      { byContactId: u(1, 'old@x.co', { customerlyCreated: true }) },
      { ...safe, leads: 'full' }
    );
    assert.equal(m.found && m.email.change, false);
  });
  it('safe: a lead changes only a user the plugin created and linked to it', () => {
    assert.equal(
      matchUser({ email: 'a@x.co', kind: 'lead' }, { byContactId: u(1, 'a@x.co', { customerlyCreated: true }) }, safe)
        .found,
      true
    );
    const notCreated = matchUser({ email: 'a@x.co', kind: 'lead' }, { byContactId: u(1, 'a@x.co') }, safe);
    assert.equal('refused' in notCreated && notCreated.refused, 'lead-not-applied');
    const byEmail = matchUser(
      { email: 'a@x.co', kind: 'lead' },
      { byEmail: u(1, 'a@x.co', { customerlyCreated: true }) },
      safe
    );
    assert.equal('refused' in byEmail && byEmail.refused, 'lead-not-applied');
  });
  it('full: a lead matched by email is applied; ignore: every lead is skipped', () => {
    assert.equal(
      matchUser({ email: 'a@x.co', kind: 'lead' }, { byEmail: u(1, 'a@x.co') }, { ...safe, leads: 'full' }).found,
      true
    );
    const ignored = matchUser({ email: 'a@x.co', kind: 'lead' }, {}, { ...safe, leads: 'ignore' });
    assert.equal('refused' in ignored && ignored.refused, 'lead-ignored');
  });
  it('a user payload matched by email is applied; no candidate means none', () => {
    assert.equal(matchUser({ email: 'a@x.co', kind: 'user' }, { byEmail: u(1, 'a@x.co') }, safe).found, true);
    assert.deepEqual(matchUser({ email: 'a@x.co', kind: 'user' }, {}, safe), { found: false });
  });
});

describe('attributeValueProblem', () => {
  it('checks strings against the column and the attribute', () => {
    assert.equal(attributeValueProblem('x'.repeat(255), { type: 'string' }), undefined);
    assert.match(attributeValueProblem('x'.repeat(256), { type: 'string' })!, /255/);
    assert.match(attributeValueProblem('abc', { type: 'string', maxLength: 2 })!, /2 characters/);
    assert.equal(attributeValueProblem('x'.repeat(10_000), { type: 'text' }), undefined);
    assert.match(attributeValueProblem(5, { type: 'string' })!, /text/);
    assert.match(attributeValueProblem('gold', { type: 'enumeration', enum: ['free', 'pro'] })!, /free, pro/);
  });
  it('checks numbers: integers, 32-bit range, decimals, min and max', () => {
    assert.match(attributeValueProblem(1.5, { type: 'integer' })!, /whole/);
    assert.match(attributeValueProblem(3_000_000_000, { type: 'integer' })!, /32 bits/);
    assert.equal(attributeValueProblem(3_000_000_000, { type: 'biginteger' }), undefined);
    assert.match(attributeValueProblem(2 ** 60, { type: 'biginteger' })!, /exactly/);
    assert.match(attributeValueProblem(1e9, { type: 'decimal' })!, /decimal/);
    assert.match(attributeValueProblem(-1, { type: 'integer', min: 0 })!, /minimum/);
    assert.equal(attributeValueProblem(1.5, { type: 'float' }), undefined);
  });
  it('checks dates against what every database stores', () => {
    assert.equal(attributeValueProblem('2030-01-01T00:00:00.000Z', { type: 'datetime' }), undefined);
    assert.match(attributeValueProblem('0999-12-31T00:00:00.000Z', { type: 'datetime' })!, /1000 to 9999/);
    assert.match(attributeValueProblem('2040-01-01T00:00:00.000Z', { type: 'timestamp' })!, /1970/);
    assert.match(attributeValueProblem('soon', { type: 'date' })!, /not a date/);
  });
  it('null only where the attribute is not required', () => {
    assert.equal(attributeValueProblem(null, { type: 'string' }), undefined);
    assert.match(attributeValueProblem(null, { type: 'string', required: true })!, /required/);
  });
  it("users-permissions' username and password rules", () => {
    assert.ok(usernameProblem('ab'));
    assert.ok(usernameProblem('u'.repeat(256)));
    assert.equal(usernameProblem('abc'), undefined);
    assert.ok(passwordProblem('12345'));
    assert.ok(passwordProblem('é'.repeat(37)), 'over 72 bytes');
    assert.equal(passwordProblem('123456'), undefined);
  });
});

describe('cleaning a payload', () => {
  it('replaces NUL and lone surrogates by U+FFFD, in keys and values, at any depth', () => {
    const v = JSON.parse('{"a\\u0000":["x\\u0000y",{"k":"\\ud800z"}],"ok":"\\ud83d\\ude00"}');
    cleanJsonPayload(v);
    assert.deepEqual(v, { 'a\ufffd': ['x\ufffdy', { k: '\ufffdz' }], ok: '😀' });
    assert.equal(cleanText('\udc00'), '\ufffd');
  });
  it('refuses a __proto__ key anywhere', () => {
    for (const text of ['{"__proto__":{}}', '{"a":[{"b":{"__proto__":1}}]}', '{"x":{"__proto__":null}}']) {
      assert.throws(
        () => parseJsonBody({ kind: 'text', text, bytes: text.length }),
        (e: unknown) => isWebhookError(e) && e.status === 400 && e.code === 'invalid_payload'
      );
    }
  });
  it('refuses a payload nested 100,000 levels deep with a 400, without overflowing the stack', () => {
    const text = '{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
    assert.throws(
      () => parseJsonBody({ kind: 'text', text, bytes: text.length }),
      (e: unknown) => isWebhookError(e) && e.status === 400 && /nested/.test(e.message)
    );
  });
  it('takes 64 levels', () => {
    const text = '{"a":'.repeat(63) + '1' + '}'.repeat(63);
    assert.doesNotThrow(() => parseJsonBody({ kind: 'text', text, bytes: text.length }));
  });
  it('a contact is a lead unless is_user is a true word', () => {
    const kind = (is_user: unknown) =>
      extractContact({ data: { user: { data: { email: 'k@x.co', is_user } } } }, undefined).kind;
    assert.deepEqual([1, '1', true, 'yes', undefined, null].map(kind), [
      'user',
      'user',
      'user',
      'user',
      'user',
      'user',
    ]);
    assert.deepEqual([0, '0', false, 'false', 'no', '0 ', 'maybe'].map(kind), [
      'lead',
      'lead',
      'lead',
      'lead',
      'lead',
      'lead',
      'lead',
    ]);
  });
  it('the email is never a mapping target', () => {
    assert.match(
      mappingRowProblem(
        { from: 'email', to: 'email', type: 'string', writeEmpty: false },
        { email: { type: 'email' } },
        'tags'
      ) ?? '',
      /protected/
    );
  });
});

describe('sealing the secrets of a payload', () => {
  const mapping = [{ from: 'attributes.pass', to: 'user_pass', type: 'string' as const, writeEmpty: false }];
  it('redacts by place and restores exactly what was received', () => {
    const original = {
      data: {
        user: {
          data: {
            email: 'a123456@x.co',
            user_id: '123456',
            tags: ['123456'],
            token: 't',
            attributes: { pass: '123456', plan: '123456' },
          },
        },
      },
      access_key: 'K-long-access-key',
    };
    const payload = structuredClone(original);
    const contact = extractContact(payload, undefined);
    const sealed = sealPayloadSecrets(payload, contact, mapping, ['K-long-access-key']);
    const c = payload.data.user.data;
    assert.equal(c.attributes.pass, '[redacted]');
    assert.equal(c.token, '[redacted]');
    assert.equal(payload.access_key, '[redacted]');
    assert.deepEqual([c.email, c.user_id, c.tags, c.attributes.plan], ['a123456@x.co', '123456', ['123456'], '123456']);
    assert.ok(!JSON.stringify(payload).includes('K-long-access-key'));
    assert.deepEqual(restorePayloadSecrets(payload, sealed), original);
  });
  it('never redacts an identity field, even when it equals a secret', () => {
    const payload = {
      data: { user: { data: { email: 'k@x.co', user_id: 'SECRET-VALUE-1', tags: ['SECRET-VALUE-1'] } } },
    };
    const contact = extractContact(payload, undefined);
    sealPayloadSecrets(payload, contact, mapping, ['SECRET-VALUE-1']);
    assert.equal(payload.data.user.data.user_id, 'SECRET-VALUE-1');
    assert.deepEqual(payload.data.user.data.tags, ['SECRET-VALUE-1']);
  });
  it('a password mapped from an identity field is refused by the config', () => {
    const r = pluginConfigSchema.safeParse({
      apiUrl: 'https://x.io',
      fieldMapping: [{ from: 'user_id', to: 'user_pass' }],
    });
    assert.equal(r.success, false);
  });
});

describe('describeError', () => {
  it('keeps a database error to its code and reason, never the SQL statement', () => {
    const pg = Object.assign(
      new Error(
        'insert into "up_users" ("email","password") values ($1,$2) - value "3000000000" is out of range for type integer'
      ),
      { code: '22003' }
    );
    assert.equal(describeError(pg), 'a database error (22003): value "3000000000" is out of range for type integer');
    const my = Object.assign(
      new Error("update `up_users` set `seats` = 1 where `id` = 2 - Out of range value for column 'seats'"),
      { code: 'ER_WARN_DATA_OUT_OF_RANGE', sqlMessage: "Out of range value for column 'seats' at row 1" }
    );
    assert.equal(
      describeError(my),
      "a database error (ER_WARN_DATA_OUT_OF_RANGE): Out of range value for column 'seats' at row 1"
    );
    assert.equal(describeError(new Error('plain trouble')), 'plain trouble');
  });
});
