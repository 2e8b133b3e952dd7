import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractContact, normaliseEmail, normaliseTags } from '../../server/src/services/webhook/contact';
import { webhookError } from '../helpers/assertions';

const user = (fields: Record<string, unknown>) => ({ event: 'contact_tagged', data: { user: { data: fields } } });
const lead = (fields: Record<string, unknown>) => ({ event: 'contact_tagged', data: { lead: { data: fields } } });

describe('extractContact: where the email comes from', () => {
  /** A payload with an email in every known place, each different; the test deletes them one by one. */
  type Everywhere = {
    email?: string;
    data: {
      email?: string;
      user?: { email?: string; data?: { email: string } };
      lead?: { data: { email: string } };
    };
  };
  const everywhere = (): Everywhere => ({
    email: 'root@example.com',
    data: {
      email: 'data@example.com',
      user: { email: 'data-user@example.com', data: { email: 'user-data@example.com' } },
      lead: { data: { email: 'lead-data@example.com' } },
    },
  });

  it('tries data.user.data.email, data.lead.data.email, data.user.email, data.email and email, in that order', () => {
    const body: Everywhere = everywhere();
    assert.equal(extractContact(body, undefined).email, 'user-data@example.com');
    delete body.data.user!.data;
    assert.equal(extractContact(body, undefined).email, 'lead-data@example.com');
    delete body.data.lead;
    assert.equal(extractContact(body, undefined).email, 'data-user@example.com');
    delete body.data.user;
    assert.equal(extractContact(body, undefined).email, 'data@example.com');
    delete body.data.email;
    assert.equal(extractContact(body, undefined).email, 'root@example.com');
    delete body.email;
    assert.equal(webhookError(() => extractContact(body, undefined)).code, 'missing_email');
  });

  it('skips a place whose email is not a string and takes the next one', () => {
    const body = { data: { user: { data: { email: null } }, lead: { data: { email: 'lead@example.com' } } } };
    const c = extractContact(body, undefined);
    assert.equal(c.email, 'lead@example.com');
    assert.equal(c.kind, 'lead');
  });

  it('reads the contact object at the place where the email was found', () => {
    const c = extractContact(
      { data: { user: { email: 'u@example.com', name: 'At data.user', tags: ['x'] } } },
      undefined
    );
    assert.equal(c.name, 'At data.user');
    assert.deepEqual(c.tags, ['x']);
  });

  it('lets the email parameter win over every place', () => {
    const c = extractContact(everywhere(), 'param@example.com');
    assert.equal(c.email, 'param@example.com');
  });

  it('uses the email parameter with no body at all', () => {
    const c = extractContact(undefined, 'Param@Example.com');
    assert.deepEqual(c, {
      email: 'param@example.com',
      kind: 'user',
      crmheroUserId: undefined,
      userId: undefined,
      name: undefined,
      attributes: undefined,
      tags: undefined,
      fields: {},
      path: undefined,
    });
  });

  it('with the email parameter, still reads tags and attributes from a payload that has no email', () => {
    const c = extractContact(user({ tags: ['VIP'], attributes: { plan: 'pro' } }), 'p@example.com');
    assert.equal(c.email, 'p@example.com');
    assert.deepEqual(c.tags, ['VIP']);
    assert.deepEqual(c.attributes, { plan: 'pro' });
  });

  it('lower-cases and trims the email, from the payload and from the parameter', () => {
    assert.equal(
      extractContact(user({ email: '  Mixed.Case@Example.COM ' }), undefined).email,
      'mixed.case@example.com'
    );
    assert.equal(extractContact(undefined, ' UPPER@EXAMPLE.COM ').email, 'upper@example.com');
  });
});

describe('extractContact: missing and invalid emails', () => {
  for (const [name, body] of [
    ['no body', undefined],
    ['an empty object', {}],
    ['a contact with no email', user({ name: 'x' })],
    ['email null', user({ email: null })],
    ['email empty', user({ email: '' })],
    ['email as a number at the root (no known place)', { email: 5 }],
  ] as const) {
    it(`missing_email: ${name}`, () => {
      const e = webhookError(() => extractContact(body as Record<string, unknown> | undefined, undefined));
      assert.equal(e.status, 400);
      assert.equal(e.code, 'missing_email');
      assert.match(e.message, /data\.user\.data\.email/);
    });
  }

  for (const email of [
    'plainaddress',
    'a@b',
    'a@@b.co',
    'a b@c.co',
    '.a@b.co',
    'a@b..co',
    '   ',
    'ü@b.co',
    'a@b.co,c@d.co',
  ]) {
    it(`invalid_email in the payload: ${JSON.stringify(email)}`, () => {
      const e = webhookError(() => extractContact(user({ email }), undefined));
      assert.equal(e.status, 400);
      assert.equal(e.code, 'invalid_email');
      assert.match(e.message, /in the payload/);
    });
  }

  it('invalid_email from the parameter says so, even when the payload email is fine', () => {
    const e = webhookError(() => extractContact(user({ email: 'good@example.com' }), 'bad@'));
    assert.equal(e.code, 'invalid_email');
    assert.match(e.message, /parameter/);
  });

  it('normaliseEmail accepts plus, apostrophe and subdomains', () => {
    assert.equal(normaliseEmail('A+tag@Mail.Example.co.uk', 'x'), 'a+tag@mail.example.co.uk');
    assert.equal(normaliseEmail("o'neil@example.com", 'x'), "o'neil@example.com");
  });
});

describe('extractContact: users and leads', () => {
  it('a contact at data.lead.data is a lead', () => {
    assert.equal(extractContact(lead({ email: 'l@example.com' }), undefined).kind, 'lead');
  });

  it('is_user 0, false or "0" makes a lead wherever the contact is', () => {
    for (const is_user of [0, false, '0'])
      assert.equal(extractContact(user({ email: 'l@example.com', is_user }), undefined).kind, 'lead', String(is_user));
  });

  it('is_user 1, true or absent is a user', () => {
    for (const is_user of [1, true, '1', undefined])
      assert.equal(extractContact(user({ email: 'u@example.com', is_user }), undefined).kind, 'user', String(is_user));
  });

  it('a lead stays a lead even with is_user 1 (the envelope says lead)', () => {
    assert.equal(extractContact(lead({ email: 'l@example.com', is_user: 1 }), undefined).kind, 'lead');
  });
});

describe('extractContact: tags, attributes, ids and other fields', () => {
  it('takes tags as names and as {name} objects, trimmed, without empty ones', () => {
    const c = extractContact(
      user({ email: 'u@example.com', tags: ['VIP', { name: 'Beta', id: 7 }, '  spaced  ', '', '   ', { name: ' ' }] }),
      undefined
    );
    assert.deepEqual(c.tags, ['VIP', 'Beta', 'spaced']);
  });

  it('removes duplicates ignoring case and keeps the first spelling', () => {
    const c = extractContact(
      user({ email: 'u@example.com', tags: ['vip', 'VIP', { name: 'Vip' }, 'Beta', 'beta ', 'BETA'] }),
      undefined
    );
    assert.deepEqual(c.tags, ['vip', 'Beta']);
  });

  it('no tags in the payload (absent or null) is undefined, an empty list is []', () => {
    assert.equal(extractContact(user({ email: 'u@example.com' }), undefined).tags, undefined);
    assert.equal(extractContact(user({ email: 'u@example.com', tags: null }), undefined).tags, undefined);
    assert.deepEqual(extractContact(user({ email: 'u@example.com', tags: [] }), undefined).tags, []);
  });

  it('accepts a tag of exactly 255 characters and refuses 256', () => {
    assert.deepEqual(extractContact(user({ email: 'u@example.com', tags: ['t'.repeat(255)] }), undefined).tags, [
      't'.repeat(255),
    ]);
    const e = webhookError(() =>
      extractContact(user({ email: 'u@example.com', tags: ['ok', 't'.repeat(256)] }), undefined)
    );
    assert.equal(e.status, 400);
    assert.equal(e.code, 'invalid_payload');
    assert.match(e.message, /255/);
  });

  it('normaliseTags counts the length after trimming', () => {
    assert.deepEqual(normaliseTags([`  ${'t'.repeat(255)}  `]), ['t'.repeat(255)]);
  });

  it('keeps attributes as given; no attributes is undefined', () => {
    const attributes = { plan: 'pro', seats: 3, nested: { a: [1] }, empty: null };
    assert.deepEqual(extractContact(user({ email: 'u@example.com', attributes }), undefined).attributes, attributes);
    assert.equal(extractContact(user({ email: 'u@example.com' }), undefined).attributes, undefined);
    assert.equal(extractContact(user({ email: 'u@example.com', attributes: null }), undefined).attributes, undefined);
  });

  it('turns ids into strings and drops empty ones', () => {
    const c = extractContact(user({ email: 'u@example.com', crmhero_user_id: 501, user_id: 'ext-1' }), undefined);
    assert.equal(c.crmheroUserId, '501');
    assert.equal(c.userId, 'ext-1');
    const d = extractContact(user({ email: 'u@example.com', crmhero_user_id: '', user_id: null }), undefined);
    assert.equal(d.crmheroUserId, undefined);
    assert.equal(d.userId, undefined);
  });

  it('keeps unknown fields in `fields`, and only those', () => {
    const c = extractContact(
      user({
        email: 'u@example.com',
        name: 'N',
        crmhero_user_id: 1,
        user_id: 'e',
        is_user: 1,
        tags: [],
        attributes: {},
        phone: '+39 1',
        last_seen: 1700000000,
        custom: { deep: true },
      }),
      undefined
    );
    assert.deepEqual(c.fields, { phone: '+39 1', last_seen: 1700000000, custom: { deep: true } });
    assert.equal(c.name, 'N');
  });
});

describe('extractContact: wrong types are 400 invalid_payload naming the field', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['tags as a number', user({ email: 'u@example.com', tags: 5 }), 'data.user.data.tags'],
    ['tags as a string', user({ email: 'u@example.com', tags: 'VIP' }), 'data.user.data.tags'],
    ['tags as an object', user({ email: 'u@example.com', tags: { VIP: true } }), 'data.user.data.tags'],
    ['a tag as a number', user({ email: 'u@example.com', tags: ['ok', 2] }), 'data.user.data.tags.1'],
    ['a {name} tag with a number', user({ email: 'u@example.com', tags: [{ name: 3 }] }), 'data.user.data.tags.0'],
    ['attributes as a string', user({ email: 'u@example.com', attributes: 'plan=pro' }), 'data.user.data.attributes'],
    ['attributes as a list', user({ email: 'u@example.com', attributes: ['pro'] }), 'data.user.data.attributes'],
    ['attributes as a number', user({ email: 'u@example.com', attributes: 1 }), 'data.user.data.attributes'],
    ['name as a number', user({ email: 'u@example.com', name: 1 }), 'data.user.data.name'],
    ['email as a number', user({ email: 12 }), 'data.user.data.email'],
    ['email as an object', user({ email: { a: 1 } }), 'data.user.data.email'],
    [
      'crmhero_user_id as an object',
      user({ email: 'u@example.com', crmhero_user_id: {} }),
      'data.user.data.crmhero_user_id',
    ],
    ['user_id as a list', user({ email: 'u@example.com', user_id: ['x'] }), 'data.user.data.user_id'],
    ['is_user as an object', user({ email: 'u@example.com', is_user: {} }), 'data.user.data.is_user'],
    ['a lead with tags as a number', lead({ email: 'l@example.com', tags: 1 }), 'data.lead.data.tags'],
    [
      'data.user with attributes as a string',
      { data: { user: { email: 'u@example.com', attributes: 'x' } } },
      'data.user.attributes',
    ],
    ['the root with name as true', { email: 'u@example.com', name: true }, 'name'],
  ];
  for (const [name, body, path] of cases) {
    it(name, () => {
      const e = webhookError(() => extractContact(body, undefined));
      assert.equal(e.status, 400);
      assert.equal(e.code, 'invalid_payload');
      assert.ok(
        e.message.includes(`field ${path} `) || e.message.includes(`field ${path}:`),
        `names ${path}: ${e.message}`
      );
      assert.match(e.message, /^The payload field .+: send the contact as Customerly does\.$/);
    });
  }

  it('checks types even when the email comes from the parameter', () => {
    const e = webhookError(() => extractContact(user({ tags: 5 }), 'p@example.com'));
    assert.equal(e.code, 'invalid_payload');
    assert.match(e.message, /data\.user\.data\.tags/);
  });
});
