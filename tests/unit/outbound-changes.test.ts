/**
 * Outbound (issue 13), the pure parts: what a user's creation, update and deletion store in the outbox; the
 * `POST /users` entry of a user; the config (`outbound`, mapping row directions); the no-echo flag.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pluginConfigSchema, type FieldMappingRow, type OutboundConfig } from '../../server/src/config/schema';
import { createdRecords, deletedRecords, updatedRecords } from '../../server/src/services/outbound/changes';
import {
  customerlyValue,
  inboundRows,
  outboundRows,
  userEntry,
  watchedAttributes,
} from '../../server/src/services/outbound/mapping';
import { outboundMuted, withoutOutbound } from '../../server/src/services/outbound/no-echo';

const cfg = (over: Partial<OutboundConfig> = {}): OutboundConfig => ({
  enabled: true,
  onCreate: true,
  onUpdate: true,
  onTags: true,
  onDelete: false,
  userId: 'id',
  ...over,
});
const row = (
  from: string,
  to: string,
  direction?: FieldMappingRow['direction'],
  type: FieldMappingRow['type'] = 'string'
) => ({ from, to, type, writeEmpty: false, direction }) as FieldMappingRow;
const snap = (email: string, values: Record<string, unknown> = {}, tags?: string[]) => ({
  id: 7,
  documentId: 'doc7',
  email,
  values: { email, ...values },
  tags,
});

describe('outbound records', () => {
  it('a creation: the upsert, then the tags; nothing with onCreate/onTags off', () => {
    const recs = createdRecords(snap('A@X.io', {}, ['Pro']), cfg());
    assert.deepEqual(
      recs.map((r) => [r.action, r.email, r.payload]),
      [
        ['upsert', 'a@x.io', { user: { id: 7, documentId: 'doc7' }, reason: 'create' }],
        ['tags', 'a@x.io', { add: ['Pro'], remove: [] }],
      ]
    );
    assert.deepEqual(createdRecords(snap('a@x.io', {}, ['Pro']), cfg({ onCreate: false, onTags: false })), []);
  });

  it('an update: an upsert only when the email or a watched value changed', () => {
    const before = snap('a@x.io', { plan: 'a' });
    assert.deepEqual(updatedRecords(before, snap('a@x.io', { plan: 'a' }), cfg()), []);
    const recs = updatedRecords(before, snap('a@x.io', { plan: 'b' }), cfg());
    assert.deepEqual(
      recs.map((r) => [r.action, r.payload.changed]),
      [['upsert', ['plan']]]
    );
    assert.deepEqual(updatedRecords(before, snap('a@x.io', { plan: 'b' }), cfg({ onUpdate: false })), []);
  });

  it('tags: the added and removed names, ignoring case', () => {
    const recs = updatedRecords(snap('a@x.io', {}, ['Pro', 'basic']), snap('a@x.io', {}, ['Basic', 'VIP']), cfg());
    assert.deepEqual(
      recs.map((r) => [r.action, r.payload]),
      [['tags', { add: ['VIP'], remove: ['Pro'] }]]
    );
  });

  it('an email change: the new address is upserted and given all the tags; the old one is named', () => {
    const recs = updatedRecords(snap('old@x.io', {}, ['Pro']), snap('new@x.io', {}, ['Pro']), cfg());
    assert.deepEqual(
      recs.map((r) => [r.action, r.email, r.payload.previousEmail ?? r.payload.add]),
      [
        ['upsert', 'new@x.io', 'old@x.io'],
        ['tags', 'new@x.io', ['Pro']],
      ]
    );
  });

  it('a deletion only with onDelete', () => {
    assert.deepEqual(deletedRecords({ id: 7, email: 'A@x.io' }, cfg()), []);
    assert.deepEqual(
      deletedRecords({ id: 7, email: 'A@x.io' }, cfg({ onDelete: true })).map((r) => [r.action, r.payload]),
      [['delete', { email: 'a@x.io' }]]
    );
  });
});

describe('the POST /users entry', () => {
  const rows = [
    row('name', 'firstName', 'both'),
    row('attributes.plan', 'plan', 'out'),
    row('attributes.seats', 'seats', 'in', 'number'),
    row('attributes.trial', 'trialEndsAt', 'out', 'date'),
    row('attributes.vip', 'vip', 'out', 'boolean'),
  ];
  const user = {
    id: 3,
    documentId: 'd3',
    email: 'U@X.io',
    firstName: 'Una',
    plan: 'gold',
    seats: 4,
    trialEndsAt: '2026-01-01T00:00:00.000Z',
    vip: false,
  };

  it('email, user_id, name and the out/both attributes; never tags, never an `in` row', () => {
    assert.deepEqual(userEntry(user, rows, 'id'), {
      email: 'u@x.io',
      user_id: '3',
      name: 'Una',
      attributes: { plan: 'gold', trial: 1767225600, vip: false },
    });
    assert.equal(userEntry(user, rows, 'documentId').user_id, 'd3');
    assert.equal('user_id' in userEntry(user, rows, 'none'), false);
  });

  it('empty values are skipped unless writeEmpty', () => {
    const entry = userEntry({ ...user, plan: null }, rows, 'none');
    assert.equal(entry.attributes?.plan, undefined);
    const empty = userEntry(
      { ...user, plan: null },
      [{ ...row('attributes.plan', 'plan', 'out'), writeEmpty: true }],
      'none'
    );
    assert.deepEqual(empty.attributes, { plan: '' });
  });

  it('values as Customerly takes them', () => {
    assert.equal(customerlyValue('x'.repeat(300), 'string'), 'x'.repeat(128));
    assert.equal(customerlyValue('12', 'number'), 12);
    assert.equal(customerlyValue('nope', 'number'), undefined);
    assert.equal(customerlyValue(1, 'boolean'), true);
    assert.equal(customerlyValue({ a: 1 }, 'json'), '{"a":1}');
    assert.equal(customerlyValue('', 'string'), null);
  });

  it('rows by direction (absent = in), and the watched attributes', () => {
    const all = [row('name', 'a'), row('name', 'b', 'in'), row('name', 'c', 'out'), row('name', 'd', 'both')];
    assert.deepEqual(
      inboundRows(all).map((r) => r.to),
      ['a', 'b', 'd']
    );
    assert.deepEqual(
      outboundRows(all).map((r) => r.to),
      ['c', 'd']
    );
    assert.deepEqual(watchedAttributes(all), ['email', 'c', 'd']);
  });
});

describe('config', () => {
  const base = { apiUrl: 'https://api.customerly.io/v1' };

  it('outbound is off by default, with the documented switches', () => {
    assert.deepEqual(pluginConfigSchema.parse(base).outbound, {
      enabled: false,
      onCreate: true,
      onUpdate: true,
      onTags: true,
      onDelete: false,
      userId: 'id',
    });
    const bad = pluginConfigSchema.safeParse({ ...base, outbound: { userId: 'email' } });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error?.issues[0]?.path, ['outbound', 'userId']);
  });

  it('an out row writes only the name or an attribute, never the password', () => {
    const parse = (r: Record<string, unknown>) => pluginConfigSchema.safeParse({ ...base, fieldMapping: [r] });
    assert.equal(parse({ from: 'attributes.plan', to: 'plan', direction: 'out' }).success, true);
    assert.equal(parse({ from: 'email', to: 'email', direction: 'out' }).success, false);
    assert.equal(parse({ from: 'email', to: 'email' }).success, true, 'an `in` row may read the email');
    assert.equal(parse({ from: 'attributes.pw', to: 'user_pass', direction: 'both' }).success, false);
    assert.equal(parse({ from: 'attributes.x', to: 'x', direction: 'sideways' }).success, false);
  });
});

describe('no echo', () => {
  it('the flag holds inside withoutOutbound, across awaits, and not outside', async () => {
    assert.equal(outboundMuted(), false);
    await withoutOutbound(async () => {
      await new Promise((r) => setTimeout(r, 1));
      assert.equal(outboundMuted(), true);
    });
    assert.equal(outboundMuted(), false);
  });
});

describe('outbound: an unconfirmed email speaks for no Customerly contact (email confirmation on)', () => {
  const user = (confirmed: boolean, tags?: string[]) => ({ ...snap('victim@example.com', {}, tags), confirmed });

  it('a registration that still has to confirm its email stores nothing', () => {
    assert.deepEqual(createdRecords(user(false, ['Pro']), cfg(), true), []);
    // Without email confirmation users-permissions proves nothing: the email is trusted as typed.
    assert.equal(createdRecords(user(false), cfg(), false).length, 1);
  });

  it('its changes store nothing until it confirms; confirming sends it as a creation, with its tags', () => {
    assert.deepEqual(updatedRecords(user(false), { ...user(false), values: { plan: 'x' } }, cfg(), true), []);
    const confirmed = updatedRecords(user(false), user(true, ['Pro']), cfg(), true);
    assert.deepEqual(
      confirmed.map((r) => [r.action, r.email, r.payload]),
      [
        ['upsert', 'victim@example.com', { user: { id: 7, documentId: 'doc7' }, reason: 'create' }],
        ['tags', 'victim@example.com', { add: ['Pro'], remove: [] }],
      ]
    );
  });

  it('deleting an unconfirmed user deletes nothing in Customerly', () => {
    assert.deepEqual(deletedRecords(user(false), cfg({ onDelete: true }), true), []);
    assert.equal(deletedRecords(user(true), cfg({ onDelete: true }), true).length, 1);
  });
});
