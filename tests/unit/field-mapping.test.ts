import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FieldMappingRow } from '../../server/src/config/schema';
import {
  LOGIN_TARGET,
  PASSWORD_TARGET,
  PROTECTED_ATTRIBUTES,
  applyMapping,
  convertValue,
  mappingReadsContact,
  mappingRowProblem,
  readContactField,
  type MappableContact,
} from '../../server/src/services/sync/field-mapping';

const row = (
  from: string,
  to: string,
  type: FieldMappingRow['type'] = 'string',
  writeEmpty = false
): FieldMappingRow => ({ from, to, type, writeEmpty });

/** A users-permissions user with a few custom attributes of each kind. */
const USER_ATTRIBUTES = {
  username: { type: 'string' },
  email: { type: 'email' },
  password: { type: 'password' },
  provider: { type: 'string' },
  confirmed: { type: 'boolean' },
  blocked: { type: 'boolean' },
  resetPasswordToken: { type: 'string' },
  role: { type: 'relation' },
  tags: { type: 'relation' },
  labels: { type: 'relation' },
  fullName: { type: 'string' },
  plan: { type: 'string' },
  seats: { type: 'integer' },
  vip: { type: 'boolean' },
  birthday: { type: 'date' },
  lastSeen: { type: 'datetime' },
  meta: { type: 'json' },
  avatar: { type: 'media' },
  address: { type: 'component' },
  blocks: { type: 'dynamiczone' },
};

const contact = (over: Partial<MappableContact> = {}): MappableContact => ({
  email: 'ann@example.com',
  name: 'Ann Example',
  userId: 'ext-1',
  crmheroUserId: '501',
  attributes: {
    plan: 'pro',
    seats: '12',
    vip: 'yes',
    birthday: 1700000000,
    last_seen: '1700000000',
    meta: { a: [1, 2] },
    login: ' ann ',
    pass: 'pw-from-crm-123',
    blank: '  ',
    nothing: null,
  },
  fields: { phone: '+39 06 1234', last_activity: 1600000000, plan: 'field-plan' },
  ...over,
});

describe('convertValue', () => {
  it('string: keeps text, turns numbers and booleans into text, refuses the rest', () => {
    assert.deepEqual(convertValue('abc', 'string'), { ok: true, value: 'abc' });
    assert.deepEqual(convertValue(12.5, 'string'), { ok: true, value: '12.5' });
    assert.deepEqual(convertValue(false, 'string'), { ok: true, value: 'false' });
    for (const v of [{ a: 1 }, [1], null, undefined])
      assert.equal(convertValue(v, 'string').ok, false, JSON.stringify(v));
  });

  it('number: numbers and numeric text (trimmed); refuses text, booleans, NaN and infinities', () => {
    assert.deepEqual(convertValue(7, 'number'), { ok: true, value: 7 });
    assert.deepEqual(convertValue(' 12.5 ', 'number'), { ok: true, value: 12.5 });
    assert.deepEqual(convertValue('-3', 'number'), { ok: true, value: -3 });
    for (const v of ['abc', '12abc', true, NaN, Infinity, {}, null]) {
      const r = convertValue(v, 'number');
      assert.equal(r.ok, false, String(v));
      if (!r.ok) assert.equal(r.reason, 'not a number');
    }
  });

  it('boolean: true/false, 1/0, yes/no in any case; refuses the rest', () => {
    for (const v of [true, 'true', 'TRUE', '1', 1, 'yes', ' Yes '])
      assert.deepEqual(convertValue(v, 'boolean'), { ok: true, value: true }, String(v));
    for (const v of [false, 'false', 'False', '0', 0, 'no', 'NO'])
      assert.deepEqual(convertValue(v, 'boolean'), { ok: true, value: false }, String(v));
    for (const v of ['maybe', 2, 'on', '', null]) assert.equal(convertValue(v, 'boolean').ok, false, String(v));
  });

  it('date: unix seconds (number or text) to an ISO datetime', () => {
    assert.deepEqual(convertValue(1700000000, 'date'), { ok: true, value: '2023-11-14T22:13:20.000Z' });
    assert.deepEqual(convertValue('1700000000', 'date', 'datetime'), { ok: true, value: '2023-11-14T22:13:20.000Z' });
    assert.deepEqual(convertValue(' 1700000000.25 ', 'date'), { ok: true, value: '2023-11-14T22:13:20.250Z' });
    assert.deepEqual(convertValue(0, 'date'), { ok: true, value: '1970-01-01T00:00:00.000Z' });
  });

  it('date: to a date attribute it keeps only the day', () => {
    assert.deepEqual(convertValue(1700000000, 'date', 'date'), { ok: true, value: '2023-11-14' });
    assert.deepEqual(convertValue('2024-02-29T23:30:00Z', 'date', 'date'), { ok: true, value: '2024-02-29' });
  });

  it('date: ISO text is normalised; anything else is refused', () => {
    assert.deepEqual(convertValue('2024-01-02T03:04:05+02:00', 'date'), {
      ok: true,
      value: '2024-01-02T01:04:05.000Z',
    });
    for (const v of ['yesterday', '2024-13-45', true, {}, null, NaN]) {
      const r = convertValue(v, 'date');
      assert.equal(r.ok, false, String(v));
      if (!r.ok) assert.equal(r.reason, 'not a date');
    }
  });

  it('json: passes any value through unchanged', () => {
    const obj = { a: [1, { b: null }] };
    assert.deepEqual(convertValue(obj, 'json'), { ok: true, value: obj });
    assert.deepEqual(convertValue('text', 'json'), { ok: true, value: 'text' });
    assert.deepEqual(convertValue(null, 'json'), { ok: true, value: null });
  });
});

describe('readContactField', () => {
  it('reads attributes.*, the named fields, other fields, and a bare attribute name as a fallback', () => {
    const c = contact();
    assert.equal(readContactField(c, 'attributes.plan'), 'pro');
    assert.equal(readContactField(c, 'email'), 'ann@example.com');
    assert.equal(readContactField(c, 'name'), 'Ann Example');
    assert.equal(readContactField(c, 'user_id'), 'ext-1');
    assert.equal(readContactField(c, 'crmhero_user_id'), '501');
    assert.equal(readContactField(c, 'phone'), '+39 06 1234');
    assert.equal(
      readContactField(c, 'plan'),
      'field-plan',
      'a top-level field wins over an attribute of the same name'
    );
    assert.equal(readContactField(c, 'seats'), '12', 'falls back to the attribute');
    assert.equal(readContactField(c, 'attributes.missing'), undefined);
    assert.equal(readContactField({ ...c, attributes: undefined }, 'attributes.plan'), undefined);
  });
});

describe('applyMapping', () => {
  it('maps typed values to user attributes', () => {
    const r = applyMapping(
      contact(),
      [
        row('name', 'fullName'),
        row('attributes.plan', 'plan'),
        row('attributes.seats', 'seats', 'number'),
        row('attributes.vip', 'vip', 'boolean'),
        row('attributes.birthday', 'birthday', 'date'),
        row('attributes.last_seen', 'lastSeen', 'date'),
        row('attributes.meta', 'meta', 'json'),
      ],
      USER_ATTRIBUTES,
      'tags'
    );
    assert.deepEqual(r.data, {
      fullName: 'Ann Example',
      plan: 'pro',
      seats: 12,
      vip: true,
      birthday: '2023-11-14',
      lastSeen: '2023-11-14T22:13:20.000Z',
      meta: { a: [1, 2] },
    });
    assert.deepEqual(r.skipped, []);
    assert.equal(r.login, undefined);
    assert.equal(r.password, undefined);
  });

  it('never writes a protected attribute, nor the tags relation, and says why', () => {
    const targets = [
      'password',
      'role',
      'provider',
      'confirmed',
      'blocked',
      'resetPasswordToken',
      'id',
      'documentId',
      'createdAt',
      'customerlyContactId',
      'tags',
    ];
    const r = applyMapping(
      contact(),
      targets.map((t) => row('attributes.plan', t)),
      USER_ATTRIBUTES,
      'tags'
    );
    assert.deepEqual(r.data, {});
    assert.deepEqual(
      r.skipped.map((s) => s.to),
      targets
    );
    for (const s of r.skipped) assert.match(s.reason, /protected/);
  });

  it('protects the configured tags field, whatever its name', () => {
    const r = applyMapping(contact(), [row('name', 'labels'), row('name', 'tags')], USER_ATTRIBUTES, 'labels');
    assert.deepEqual(
      r.skipped.map((s) => [s.to, /protected/.test(s.reason)]),
      [
        ['labels', true],
        ['tags', false],
      ]
    );
  });

  it('every PROTECTED_ATTRIBUTES entry is refused', () => {
    for (const to of PROTECTED_ATTRIBUTES) {
      assert.match(mappingRowProblem(row('name', to), { [to]: { type: 'string' } }, 'tags') ?? '', /protected/, to);
    }
  });

  it('skips a target the user does not have, and relations, media, components and dynamic zones', () => {
    const r = applyMapping(
      contact(),
      [row('name', 'nickname'), row('name', 'avatar'), row('name', 'address'), row('name', 'blocks')],
      USER_ATTRIBUTES,
      'tags'
    );
    assert.deepEqual(r.data, {});
    assert.deepEqual(
      r.skipped.map((s) => [s.to, s.reason]),
      [
        ['nickname', 'the user has no attribute "nickname"'],
        ['avatar', '"avatar" is a media, which the mapping cannot write'],
        ['address', '"address" is a component, which the mapping cannot write'],
        ['blocks', '"blocks" is a dynamiczone, which the mapping cannot write'],
      ]
    );
  });

  it('skips an unknown contact attribute (nothing to write, no error)', () => {
    const r = applyMapping(contact(), [row('attributes.not_there', 'plan')], USER_ATTRIBUTES, 'tags');
    assert.deepEqual(r, { data: {}, skipped: [] });
  });

  it('skips empty values (undefined, null, blank text) unless writeEmpty, which writes null', () => {
    const rows = [
      row('attributes.blank', 'plan'),
      row('attributes.nothing', 'fullName'),
      row('attributes.absent', 'meta', 'json'),
    ];
    assert.deepEqual(applyMapping(contact(), rows, USER_ATTRIBUTES, 'tags'), { data: {}, skipped: [] });
    const written = applyMapping(
      contact(),
      rows.map((r) => ({ ...r, writeEmpty: true })),
      USER_ATTRIBUTES,
      'tags'
    );
    assert.deepEqual(written.data, { plan: null, fullName: null, meta: null });
  });

  it('keeps zero and false (they are not empty)', () => {
    const r = applyMapping(
      contact({ attributes: { seats: 0, vip: false } }),
      [row('attributes.seats', 'seats', 'number'), row('attributes.vip', 'vip', 'boolean')],
      USER_ATTRIBUTES,
      'tags'
    );
    assert.deepEqual(r.data, { seats: 0, vip: false });
  });

  it('reports a value that does not convert, without the value', () => {
    const r = applyMapping(
      contact({ attributes: { seats: 'a dozen', secretish: 'do-not-echo' } }),
      [row('attributes.seats', 'seats', 'number'), row('attributes.secretish', 'birthday', 'date')],
      USER_ATTRIBUTES,
      'tags'
    );
    assert.deepEqual(r.data, {});
    assert.deepEqual(r.skipped, [
      { from: 'attributes.seats', to: 'seats', reason: 'not a number' },
      { from: 'attributes.secretish', to: 'birthday', reason: 'not a date' },
    ]);
    assert.ok(!JSON.stringify(r.skipped).includes('do-not-echo'));
  });

  it('user_login and user_pass are pseudo targets: the login (trimmed) and the password, never user data', () => {
    const r = applyMapping(
      contact(),
      [row('attributes.login', LOGIN_TARGET), row('attributes.pass', PASSWORD_TARGET, 'number')],
      USER_ATTRIBUTES,
      'tags'
    );
    assert.equal(r.login, 'ann');
    assert.equal(r.password, 'pw-from-crm-123', 'read as text whatever the row type');
    assert.deepEqual(r.data, {});
    assert.deepEqual(r.skipped, []);
  });

  it('user_login and user_pass are never written empty, even with writeEmpty', () => {
    const r = applyMapping(
      contact(),
      [
        row('attributes.blank', LOGIN_TARGET, 'string', true),
        row('attributes.nothing', PASSWORD_TARGET, 'string', true),
      ],
      USER_ATTRIBUTES,
      'tags'
    );
    assert.deepEqual(r, { data: {}, skipped: [] });
  });

  it('a number login becomes text', () => {
    assert.equal(
      applyMapping(
        contact({ attributes: { login: 4242 } }),
        [row('attributes.login', LOGIN_TARGET)],
        USER_ATTRIBUTES,
        'tags'
      ).login,
      '4242'
    );
  });
});

describe('mappingRowProblem', () => {
  it('is undefined for a writable attribute and for the pseudo targets', () => {
    assert.equal(mappingRowProblem(row('name', 'fullName'), USER_ATTRIBUTES, 'tags'), undefined);
    assert.equal(mappingRowProblem(row('attributes.login', LOGIN_TARGET), {}, 'tags'), undefined);
    assert.equal(mappingRowProblem(row('attributes.pass', PASSWORD_TARGET), {}, 'tags'), undefined);
  });

  it('names the problem', () => {
    assert.equal(
      mappingRowProblem(row('name', 'password'), USER_ATTRIBUTES, 'tags'),
      '"password" is protected and is never written from Customerly'
    );
    assert.equal(
      mappingRowProblem(row('name', 'labels'), USER_ATTRIBUTES, 'labels'),
      '"labels" is protected and is never written from Customerly'
    );
    assert.equal(mappingRowProblem(row('name', 'nope'), USER_ATTRIBUTES, 'tags'), 'the user has no attribute "nope"');
    assert.equal(
      mappingRowProblem(row('name', 'role'), {}, 'tags'),
      '"role" is protected and is never written from Customerly',
      'protected even if the schema lacks it'
    );
  });
});

describe('mappingReadsContact', () => {
  it('is true as soon as a row reads more than the email', () => {
    assert.equal(mappingReadsContact([]), false);
    assert.equal(mappingReadsContact([row('email', 'fullName')]), false);
    assert.equal(mappingReadsContact([row('email', 'fullName'), row('attributes.plan', 'plan')]), true);
  });
});
