import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import config from '../../server/src/config';
import { pluginConfigSchema } from '../../server/src/config/schema';
import { IDENTITY_ATTRIBUTES, extendUserSchema } from '../../server/src/register';

type Env = Parameters<typeof config.default>[0]['env'];
const envFrom = (values: Record<string, string>): Env =>
  Object.assign((key: string, fallback?: string) => (key in values ? values[key] : fallback), {}) as Env;

const defaults = (values: Record<string, string> = {}) => config.default({ env: envFrom(values) });

/** The error the validator throws for this config (failing if it accepts it). */
function rejection(cfg: unknown): string {
  try {
    config.validator(cfg);
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail(`accepted ${JSON.stringify(cfg)}`);
}

describe('plugin config: defaults', () => {
  it('reads the environment, with the public API URL as fallback', () => {
    assert.deepEqual(defaults(), { webhookKey: '', apiToken: '', apiUrl: 'https://api.customerly.io/v1' });
    assert.deepEqual(
      defaults({ CUSTOMERLY_WEBHOOK_KEY: 'k', CUSTOMERLY_API_TOKEN: 't', CUSTOMERLY_API_URL: 'http://127.0.0.1:9/v1' }),
      {
        webhookKey: 'k',
        apiToken: 't',
        apiUrl: 'http://127.0.0.1:9/v1',
      }
    );
    assert.equal(
      defaults({ CUSTOMERLY_API_URL: '' }).apiUrl,
      'https://api.customerly.io/v1',
      'an empty URL falls back'
    );
  });

  it('the validator accepts the defaults', () => {
    assert.doesNotThrow(() => config.validator(defaults()));
  });

  it('the schema fills every documented default', () => {
    const full = pluginConfigSchema.parse(defaults());
    assert.equal(full.defaultRole, '');
    assert.deepEqual(full.allowedRoles, []);
    assert.equal(full.confirmed, true);
    assert.equal(full.usernameFormat, 'email');
    assert.deepEqual(full.returnPassword, { enabled: false, attribute: '' });
    assert.equal(full.welcomeEmail.always, false);
    assert.deepEqual(full.fieldMapping, []);
    assert.equal(full.processing, 'sync');
    assert.equal(full.userTagsField, 'tags');
    assert.equal(full.maxBodyBytes, 256 * 1024);
  });

  it('accepts a complete, valid config', () => {
    assert.doesNotThrow(() =>
      config.validator({
        ...defaults(),
        defaultRole: 'customer',
        allowedRoles: ['customer', 'authenticated'],
        confirmed: false,
        usernameFormat: 'name',
        returnPassword: { enabled: true, attribute: 'wp_password' },
        welcomeEmail: { always: true, subject: 'Hi {{username}}', text: 't', html: '<p>h</p>', siteName: 'Site' },
        fieldMapping: [
          { from: 'attributes.plan', to: 'plan', type: 'string' },
          { from: 'attributes.birthday', to: 'birthday', type: 'date', writeEmpty: true },
          { from: 'attributes.login', to: 'user_login' },
        ],
        processing: 'queued',
        userTagsField: 'customerly_tags',
        maxBodyBytes: 1024,
        customerly: { timeoutMs: 500, maxRetries: 0, concurrency: 1, maxBackoffMs: 0 },
        queue: { enabled: false, concurrency: 4 },
        rateLimit: { enabled: false },
      })
    );
  });
});

describe('plugin config: each bad value stops startup with a message naming the key', () => {
  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['webhookKey not a string', { webhookKey: 123 }, 'webhookKey'],
    ['apiToken not a string', { apiToken: ['t'] }, 'apiToken'],
    ['apiUrl not http(s)', { apiUrl: 'ftp://api.customerly.io/v1' }, 'apiUrl'],
    ['apiUrl not a URL', { apiUrl: 'customerly' }, 'apiUrl'],
    ['apiUrl missing', { apiUrl: undefined }, 'apiUrl'],
    ['defaultRole not a string', { defaultRole: 3 }, 'defaultRole'],
    ['allowedRoles not a list', { allowedRoles: 'customer' }, 'allowedRoles'],
    ['allowedRoles with an empty name', { allowedRoles: ['customer', ''] }, 'allowedRoles.1'],
    ['confirmed not a boolean', { confirmed: 'yes' }, 'confirmed'],
    ['usernameFormat unknown', { usernameFormat: 'nickname' }, 'usernameFormat'],
    [
      'returnPassword enabled without an attribute',
      { returnPassword: { enabled: true, attribute: ' ' } },
      'returnPassword',
    ],
    [
      'returnPassword with an unknown key',
      { returnPassword: { enabled: false, attribute: '', attr: 'x' } },
      'returnPassword',
    ],
    ['welcomeEmail.always not a boolean', { welcomeEmail: { always: 'yes' } }, 'welcomeEmail.always'],
    ['welcomeEmail.subject not a string', { welcomeEmail: { subject: 1 } }, 'welcomeEmail.subject'],
    ['fieldMapping not a list', { fieldMapping: { from: 'name', to: 'x' } }, 'fieldMapping'],
    ['fieldMapping row with an empty from', { fieldMapping: [{ from: '', to: 'plan' }] }, 'fieldMapping.0.from'],
    [
      'fieldMapping row with a bad target name',
      { fieldMapping: [{ from: 'name', to: 'full-name' }] },
      'fieldMapping.0.to',
    ],
    [
      'fieldMapping row with an unknown type',
      {
        fieldMapping: [
          { from: 'a', to: 'b' },
          { from: 'name', to: 'plan', type: 'money' },
        ],
      },
      'fieldMapping.1.type',
    ],
    [
      'fieldMapping row with an unknown key',
      { fieldMapping: [{ from: 'name', to: 'plan', into: 'x' }] },
      'fieldMapping.0',
    ],
    ['processing unknown', { processing: 'later' }, 'processing'],
    ['userTagsField not an attribute name', { userTagsField: '1tags' }, 'userTagsField'],
    ['userTagsField with a dash', { userTagsField: 'my-tags' }, 'userTagsField'],
    ['maxBodyBytes too small', { maxBodyBytes: 10 }, 'maxBodyBytes'],
    ['maxBodyBytes not an integer', { maxBodyBytes: 2048.5 }, 'maxBodyBytes'],
    ['customerly.timeoutMs too small', { customerly: { timeoutMs: 5 } }, 'customerly.timeoutMs'],
    ['customerly.maxRetries too large', { customerly: { maxRetries: 11 } }, 'customerly.maxRetries'],
    ['customerly.concurrency zero', { customerly: { concurrency: 0 } }, 'customerly.concurrency'],
    ['queue.concurrency zero', { queue: { concurrency: 0 } }, 'queue.concurrency'],
    ['queue.leaseMs too small', { queue: { leaseMs: 10 } }, 'queue.leaseMs'],
    ['rateLimit.perSecond zero', { rateLimit: { perSecond: 0 } }, 'rateLimit.perSecond'],
    ['an unknown key', { webhookSecret: 'x' }, 'webhookSecret'],
  ];
  for (const [name, patch, key] of bad) {
    it(name, () => {
      const message = rejection({ ...defaults(), ...patch });
      assert.match(message, /^Invalid config for plugin "customerly" \(config\/plugins, key "customerly\.config"\): /);
      assert.ok(message.includes(key), `names ${key}: ${message}`);
      assert.ok(message.includes(`"${key}"`) || key === 'webhookSecret', `quotes the key path ${key}: ${message}`);
    });
  }

  it('names every bad key at once', () => {
    const message = rejection({ ...defaults(), confirmed: 1, processing: 'x', maxBodyBytes: -1 });
    for (const key of ['"confirmed"', '"processing"', '"maxBodyBytes"'])
      assert.ok(message.includes(key), `${key}: ${message}`);
  });

  it('says what is expected for a bad URL', () => {
    assert.match(rejection({ ...defaults(), apiUrl: 'ftp://x' }), /an http\(s\) URL/);
  });

  it('says what is expected when the password attribute is missing', () => {
    assert.match(
      rejection({ ...defaults(), returnPassword: { enabled: true, attribute: '' } }),
      /returnPassword\.attribute must name a Customerly attribute/
    );
  });
});

describe('extendUserSchema', () => {
  /** The little of a Strapi instance extendUserSchema uses: the user content type, with attributes and __schema__. */
  function fakeStrapi(userAttributes: Record<string, unknown>) {
    const user = { attributes: { ...userAttributes }, __schema__: { attributes: { ...userAttributes } } };
    const types: Record<string, unknown> = { 'plugin::users-permissions.user': user };
    const strapi = { contentType: (uid: string) => types[uid] } as unknown as Parameters<typeof extendUserSchema>[0];
    return { strapi, user };
  }
  const BASE = { username: { type: 'string' }, email: { type: 'email' } };
  const TAGS_RELATION = { type: 'relation', relation: 'manyToMany', target: 'plugin::customerly.tag' };

  it('adds the tags relation and the Customerly identity to the user (attributes and __schema__)', () => {
    const { strapi, user } = fakeStrapi(BASE);
    extendUserSchema(strapi, 'tags');
    assert.deepEqual(user.attributes, { ...BASE, tags: TAGS_RELATION, ...IDENTITY_ATTRIBUTES });
    assert.deepEqual(user.__schema__.attributes, user.attributes);
  });

  it('uses the configured field name', () => {
    const { strapi, user } = fakeStrapi(BASE);
    extendUserSchema(strapi, 'crm_tags');
    assert.deepEqual((user.attributes as Record<string, unknown>).crm_tags, TAGS_RELATION);
    assert.ok(!('tags' in user.attributes));
    assert.ok('crm_tags' in user.__schema__.attributes);
  });

  it('stops with a clear error naming userTagsField when the user already has `tags`, and changes nothing', () => {
    const existing = { ...BASE, tags: { type: 'json' } };
    const { strapi, user } = fakeStrapi(existing);
    assert.throws(
      () => extendUserSchema(strapi, 'tags'),
      (e: Error) => {
        assert.match(e.message, /already has an attribute "tags"/);
        assert.match(e.message, /"userTagsField"/);
        assert.match(e.message, /config\/plugins/);
        return true;
      }
    );
    assert.deepEqual(user.attributes, existing, 'the app attribute is not taken over, and nothing was added');
    assert.deepEqual(user.__schema__.attributes, existing);
  });

  it('with another userTagsField, the app keeps its own `tags`', () => {
    const { strapi, user } = fakeStrapi({ ...BASE, tags: { type: 'json' } });
    extendUserSchema(strapi, 'customerly_tags');
    assert.deepEqual(user.attributes.tags, { type: 'json' });
    assert.deepEqual((user.attributes as Record<string, unknown>).customerly_tags, TAGS_RELATION);
  });

  it('stops when an identity attribute is taken, naming it (without the userTagsField hint)', () => {
    const { strapi, user } = fakeStrapi({ ...BASE, customerlyContactId: { type: 'string' } });
    assert.throws(
      () => extendUserSchema(strapi, 'tags'),
      (e: Error) => /"customerlyContactId"/.test(e.message) && !/userTagsField/.test(e.message)
    );
    assert.ok(!('tags' in user.attributes), 'nothing was added');
  });
});
