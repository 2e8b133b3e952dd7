import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACTIONS } from '../../shared/contracts/permissions';
import { startFakeCustomerly, userWebhook, type FakeCustomerly } from '../fake-customerly';
import { startStrapi, type TestStrapi } from '../helpers/strapi';
import type { AdminSettings, DeliveriesPage } from '../../shared/contracts';
import { createAdmin, createRole, login, signedInAdmin, type AdminSession } from '../e2e/admin-api';
import { validationPaths } from '../helpers/assertions';

describe('admin settings API (real Strapi, admin JWT over HTTP)', () => {
  let app: TestStrapi;
  let fake: FakeCustomerly;
  let admin: AdminSession;

  before(async () => {
    fake = await startFakeCustomerly();
    // No access key or token in the environment: the panel sets them. The API URL stays locked to the fake.
    app = await startStrapi({
      webhookKey: '',
      apiUrl: fake.url,
      apiToken: '',
      logLevel: 'http',
      pluginConfig: { customerly: { timeoutMs: 800, maxRetries: 0 } },
    });
    admin = await signedInAdmin(app);
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('GET /customerly/settings answers the settings, with secrets unset and the API URL locked by the environment', async () => {
    const res = await admin.call('GET', '/customerly/settings');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const d: AdminSettings = res.json.data;
    assert.equal(d.secrets.webhookKey.set, false);
    assert.equal(d.secrets.webhookKey.locked, false);
    assert.equal(d.secrets.apiToken.set, false);
    assert.equal(d.locked.apiUrl, 'CUSTOMERLY_API_URL');
    assert.equal(d.settings.apiUrl, fake.url);
    assert.equal(d.settings.usernameFormat, 'email');
    assert.equal(d.meta.webhookPath, '/api/customerly/webhook');
    assert.ok(d.meta.roles.some((r) => r.type === 'authenticated' && r.isDefault));
    const attrs = d.meta.userAttributes.map((a) => a.name);
    assert.ok(attrs.includes('username'));
    assert.ok(!attrs.includes('password'), 'protected attributes are not offered');
    assert.ok(!attrs.includes('role'));
  });

  let key = '';
  it('without a key the webhook answers 503; a generated key works at once', async () => {
    assert.equal((await app.webhook({ action: 'test', access_key: 'x' })).status, 503);
    const res = await admin.call('POST', '/customerly/settings/access-key');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    key = res.json.data.webhookKey;
    assert.match(key, /^[A-Za-z0-9_-]{43,}$/, '32+ random bytes, base64url');
    assert.equal(Buffer.from(key, 'base64url').length >= 32, true);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal((await app.webhook({ action: 'test', access_key: key })).status, 200);
  });

  it('the key is never in the settings answer, only masked; reveal gives it', async () => {
    const res = await admin.call('GET', '/customerly/settings');
    const text = JSON.stringify(res.json);
    assert.ok(!text.includes(key), 'the key is not sent');
    assert.equal(res.json.data.secrets.webhookKey.set, true);
    assert.equal(res.json.data.secrets.webhookKey.source, 'panel');
    assert.match(res.json.data.secrets.webhookKey.masked, /^•+$/);
    const revealed = await admin.call('POST', '/customerly/settings/reveal', { field: 'webhookKey' });
    assert.equal(revealed.status, 200);
    assert.equal(revealed.json.data.value, key);
    const bad = await admin.call('POST', '/customerly/settings/reveal', { field: 'password' });
    assert.equal(bad.status, 400);
    assert.deepEqual(validationPaths(bad.json), ['field']);
  });

  it('the key is stored encrypted in the plugin store', async () => {
    const stored = (await app.strapi.store({ type: 'plugin', name: 'customerly' }).get({ key: 'settings' })) as {
      webhookKey: string;
    };
    assert.ok(!JSON.stringify(stored).includes(key));
    assert.match(stored.webhookKey, /^enc1:/);
  });

  it('rotating the key stops the old one at once', async () => {
    const res = await admin.call('POST', '/customerly/settings/access-key');
    const newKey = res.json.data.webhookKey;
    assert.notEqual(newKey, key);
    assert.equal((await app.webhook({ action: 'test', access_key: key })).status, 401);
    assert.equal((await app.webhook({ action: 'test', access_key: newKey })).status, 200);
    key = newKey;
  });

  it('invalid input gets a 400 with one error per field', async () => {
    const res = await admin.call('PUT', '/customerly/settings', {
      usernameFormat: 'nickname',
      returnPassword: { enabled: true, attribute: '' },
      fieldMapping: [{ from: '', to: 'username', type: 'string' }],
      processing: 'later',
    });
    assert.equal(res.status, 400, JSON.stringify(res.json));
    assert.equal(res.json.error.name, 'ValidationError');
    const paths = validationPaths(res.json);
    for (const p of ['usernameFormat', 'returnPassword.attribute', 'fieldMapping.0.from', 'processing'])
      assert.ok(paths.includes(p), `${p} in ${paths}`);
  });

  it('roles that do not exist and protected mapping targets are refused by field', async () => {
    const res = await admin.call('PUT', '/customerly/settings', {
      defaultRole: 'nope',
      allowedRoles: ['authenticated', 'ghost'],
      fieldMapping: [{ from: 'name', to: 'password', type: 'string' }],
    });
    assert.equal(res.status, 400, JSON.stringify(res.json));
    assert.deepEqual(validationPaths(res.json).sort(), ['allowedRoles.1', 'defaultRole', 'fieldMapping.0.to']);
  });

  it('a field set by the environment cannot be changed', async () => {
    const res = await admin.call('PUT', '/customerly/settings', { apiUrl: 'https://example.com/v1' });
    assert.equal(res.status, 400);
    assert.deepEqual(validationPaths(res.json), ['apiUrl']);
  });

  it('a valid save applies to the next delivery without a restart', async () => {
    const res = await admin.call('PUT', '/customerly/settings', {
      allowedRoles: ['authenticated', 'public'],
      returnPassword: { enabled: true, attribute: 'strapi_password' },
      usernameFormat: 'email-local',
      welcomeEmail: { always: true, subject: 'Hi {{username}}', text: 'Go to {{link}}', html: '<p>{{link}}</p>' },
      fieldMapping: [{ from: 'attributes.plan', to: 'username', type: 'string' }],
      processing: 'sync',
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json.data.settings.allowedRoles, ['authenticated', 'public']);
    assert.equal(res.json.data.sources.returnPassword, 'panel');
    const effective = await app.strapi.plugin('customerly').service('settings').get();
    assert.deepEqual(effective.allowedRoles, ['authenticated', 'public']);
    assert.deepEqual(effective.returnPassword, { enabled: true, attribute: 'strapi_password' });
    assert.equal(effective.usernameFormat, 'email-local');
    assert.equal(effective.welcomeEmail.always, true);
    assert.equal(effective.webhookKey, key, 'saving other fields keeps the key');
    // Reset the mapping used above, which was only there to test the save.
    assert.equal(
      (
        await admin.call('PUT', '/customerly/settings', {
          fieldMapping: [],
          welcomeEmail: { always: false, subject: '', text: '', html: '' },
        })
      ).status,
      200
    );
  });

  it('test connection: no token, bad token, ok, unreachable', async () => {
    let res = await admin.call('POST', '/customerly/settings/test-connection', {});
    assert.equal(res.json.data.status, 'no_token');
    res = await admin.call('POST', '/customerly/settings/test-connection', { apiToken: 'not-the-token' });
    assert.equal(res.json.data.status, 'bad_token', JSON.stringify(res.json));
    assert.ok(!JSON.stringify(res.json).includes('not-the-token'));
    res = await admin.call('POST', '/customerly/settings/test-connection', { apiToken: fake.token });
    assert.equal(res.json.data.status, 'ok', JSON.stringify(res.json));
    assert.equal(res.json.data.ok, true);
    const sent = fake.requestsTo('GET', '/tags').at(-1)!;
    assert.equal(sent.headers.authorization, `Bearer ${fake.token}`);
    assert.equal(sent.headers.authentication, `AccessToken: ${fake.token}`);
    fake.fault({ kind: 'hang', times: 1, path: '/tags' });
    res = await admin.call('POST', '/customerly/settings/test-connection', { apiToken: fake.token });
    assert.equal(res.json.data.status, 'unreachable', JSON.stringify(res.json));
    assert.match(res.json.data.message, /did not answer/);
  });

  it('the saved API token is masked, encrypted and used by the webhook', async () => {
    const res = await admin.call('PUT', '/customerly/settings', { apiToken: fake.token });
    assert.equal(res.status, 200);
    assert.ok(!JSON.stringify(res.json).includes(fake.token));
    assert.equal(res.json.data.secrets.apiToken.set, true);
    const stored = (await app.strapi.store({ type: 'plugin', name: 'customerly' }).get({ key: 'settings' })) as {
      webhookKey: string;
    };
    assert.ok(!JSON.stringify(stored).includes(fake.token));
    assert.equal((await app.strapi.plugin('customerly').service('settings').get()).apiToken, fake.token);
    const ok = await admin.call('POST', '/customerly/settings/test-connection', {});
    assert.equal(ok.json.data.status, 'ok');
  });

  it('no secret reaches the log', async () => {
    const log = app.output.join('');
    assert.ok(!log.includes(key));
    assert.ok(!log.includes(fake.token));
  });

  describe('the delivery log', () => {
    let documentId = '';
    /** The test calls above are recorded too (done, action test). */
    let tests = 0;
    before(async () => {
      tests = (await admin.call('GET', '/customerly/deliveries?action=test')).json.meta.pagination.total;
      assert.ok(tests >= 2, `the test calls above are recorded (${tests})`);
      fake.addUser({ email: 'log.person@example.com', tags: ['gold'] });
      const a = await app.webhook(
        { action: 'add', access_key: key },
        userWebhook({ email: 'log.person@example.com', crmhero_user_id: 7001, tags: ['gold'] })
      );
      assert.equal(a.status, 200, JSON.stringify(a.json));
      const b = await app.webhook(
        { action: 'update_tags', access_key: key },
        userWebhook({ email: 'nobody@example.com', tags: ['x'] })
      );
      assert.equal(b.status, 200, JSON.stringify(b.json));
    });

    it('lists deliveries, newest first, paginated, with counts', async () => {
      const res = await admin.call('GET', '/customerly/deliveries?page=1&pageSize=1');
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(res.json.data.length, 1);
      assert.equal(res.json.meta.pagination.total, 2 + tests);
      assert.equal(res.json.meta.pagination.pageCount, 2 + tests);
      assert.equal(res.json.data[0].action, 'update_tags');
      assert.equal(res.json.meta.counts.done, 1 + tests);
      assert.equal(res.json.meta.counts.skipped, 1);
    });

    it('filters by status, action, email and date', async () => {
      const q = async (qs: string): Promise<DeliveriesPage> =>
        (await admin.call('GET', `/customerly/deliveries?${qs}`)).json;
      assert.deepEqual(
        (await q('status=done')).data.filter((d) => d.action !== 'test').map((d) => d.email),
        ['log.person@example.com']
      );
      assert.deepEqual(
        (await q('action=update_tags')).data.map((d) => d.status),
        ['skipped']
      );
      assert.equal((await q('email=LOG.PERSON')).data.length, 1);
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const today = new Date().toISOString().slice(0, 10);
      assert.equal((await q(`from=${tomorrow}`)).data.length, 0);
      assert.equal((await q(`from=${today}&to=${tomorrow}`)).data.length, 2 + tests);
      documentId = (await q('status=done&action=add')).data[0].documentId;
    });

    it('bad filters get field errors', async () => {
      const res = await admin.call('GET', '/customerly/deliveries?status=lost&from=yesterday&pageSize=1000');
      assert.equal(res.status, 400);
      assert.deepEqual(validationPaths(res.json).sort(), ['from', 'pageSize', 'status']);
    });

    it('shows one delivery in detail, redacted', async () => {
      const res = await admin.call('GET', `/customerly/deliveries/${documentId}`);
      assert.equal(res.status, 200, JSON.stringify(res.json));
      const d = res.json.data;
      assert.equal(d.status, 'done');
      assert.equal(d.attempts, 1);
      assert.equal(d.history.length, 1);
      assert.equal(d.user.email, 'log.person@example.com');
      assert.equal(d.payload.data.user.data.email, 'log.person@example.com');
      assert.ok(!JSON.stringify(d).includes(key));
      assert.ok(!JSON.stringify(d).includes(fake.token));
      for (const [name, attr] of Object.entries(app.strapi.contentType('plugin::customerly.delivery').attributes)) {
        if ('private' in attr && attr.private) assert.ok(!(name in d), `the private attribute ${name} is not sent`);
      }
      assert.equal((await admin.call('GET', '/customerly/deliveries/doesnotexist')).status, 404);
    });

    it('replay runs it again and records a new attempt', async () => {
      const res = await admin.call('POST', `/customerly/deliveries/${documentId}/replay`);
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(res.json.data.answer.status, 200);
      assert.equal(res.json.data.delivery.attempts, 2);
      assert.equal(res.json.data.delivery.history.length, 2);
      assert.equal(res.json.data.delivery.status, 'done');
    });
  });

  describe('RBAC', () => {
    let nobody: AdminSession;
    let reader: AdminSession;
    before(async () => {
      const none = await createRole(app.strapi, 'No Customerly', []);
      const read = await createRole(app.strapi, 'Customerly readers', [ACTIONS.settingsRead, ACTIONS.deliveriesRead]);
      const a = await createAdmin(app.strapi, { roleId: none.id });
      const b = await createAdmin(app.strapi, { roleId: read.id });
      nobody = await login(app.baseUrl, a.email, a.password);
      reader = await login(app.baseUrl, b.email, b.password);
    });

    it('the four actions are registered', async () => {
      const registered = app.strapi
        .service('admin::permission')
        .actionProvider.values()
        .map((a: { actionId: string }) => a.actionId);
      for (const action of Object.values(ACTIONS)) assert.ok(registered.includes(action), action);
    });

    it('an admin without the plugin permissions is refused everything (403)', async () => {
      for (const [method, path, body] of [
        ['GET', '/customerly/settings'],
        ['PUT', '/customerly/settings', { processing: 'sync' }],
        ['POST', '/customerly/settings/access-key'],
        ['POST', '/customerly/settings/reveal', { field: 'webhookKey' }],
        ['POST', '/customerly/settings/test-connection', {}],
        ['GET', '/customerly/deliveries'],
        ['POST', '/customerly/deliveries/x/replay'],
      ] as Array<[string, string, unknown?]>) {
        const res = await nobody.call(method, path, body);
        assert.equal(res.status, 403, `${method} ${path}`);
      }
    });

    it('a reader sees settings (masked) and the log but cannot save, rotate, reveal or replay', async () => {
      const got = await reader.call('GET', '/customerly/settings');
      assert.equal(got.status, 200);
      assert.ok(!JSON.stringify(got.json).includes(key));
      assert.equal((await reader.call('GET', '/customerly/deliveries')).status, 200);
      assert.equal((await reader.call('PUT', '/customerly/settings', { processing: 'sync' })).status, 403);
      assert.equal((await reader.call('POST', '/customerly/settings/access-key')).status, 403);
      assert.equal((await reader.call('POST', '/customerly/settings/reveal', { field: 'apiToken' })).status, 403);
      assert.equal((await reader.call('POST', '/customerly/deliveries/x/replay')).status, 403);
      assert.equal((await app.webhook({ action: 'test', access_key: key })).status, 200, 'the key did not change');
    });

    it('without a login the admin API answers 401', async () => {
      const res = await fetch(`${app.baseUrl}/customerly/settings`);
      assert.equal(res.status, 401);
    });
  });
});

describe('admin settings with secrets in the environment', () => {
  let app: TestStrapi;
  let admin: AdminSession;
  before(async () => {
    app = await startStrapi({ apiToken: 'env-token-0123456789' });
    admin = await signedInAdmin(app);
  });
  after(async () => app?.stop());

  it('shows the key and token as set and locked, never their values', async () => {
    const res = await admin.call('GET', '/customerly/settings');
    const d = res.json.data;
    assert.equal(d.secrets.webhookKey.locked, true);
    assert.equal(d.secrets.webhookKey.source, 'env');
    assert.equal(d.secrets.apiToken.locked, true);
    assert.ok(!JSON.stringify(res.json).includes(app.webhookKey));
    assert.ok(!JSON.stringify(res.json).includes('env-token-0123456789'));
  });

  it('refuses to rotate or overwrite them', async () => {
    assert.equal((await admin.call('POST', '/customerly/settings/access-key')).status, 400);
    const res = await admin.call('PUT', '/customerly/settings', {
      apiToken: 'other-token',
      webhookKey: 'x'.repeat(20),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(validationPaths(res.json).sort(), ['apiToken', 'webhookKey']);
    assert.equal((await app.webhook({ action: 'test' })).status, 200);
  });
});
