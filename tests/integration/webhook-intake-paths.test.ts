/**
 * The intake cannot be skipped (issue 8, items 6, 7 and 15).
 *
 * Strapi's router serves the webhook route under the configured REST prefix, in any case, with or without a trailing
 * slash. Every path the router sends to the controller must go through the intake middleware: the access key is
 * hidden from Strapi's request log, the rate limit applies, the body limit is the plugin's 256 KB and a body that is
 * not JSON (a form) is refused. A request that reaches the controller without the intake is refused (503
 * intake_missing), never processed. No spelling of a secret query parameter reaches the request log, on any route.
 * The playground's logger prints every level from LOG_LEVEL up, so the plugin's warnings show at level http.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import type { Context, Next } from 'koa';
import { userWebhook } from '../fake-customerly';
import { startStrapi, type AnswerJson, type TestStrapi } from '../helpers/strapi';
import { DELIVERY_UID, USER_UID, usersByEmail } from '../helpers/fixtures';
import { literalRouteRegExp, routerRegExp, webhookRoutePath } from '../../server/src/services/webhook/route';

const INTAKE_MIDDLEWARE = 'plugin::customerly.webhook-intake';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/** Above the plugin's 256 KB limit, below Strapi's own 1 MB. */
const BIG = 300 * 1024;

const stripAnsi = stripVTControlCharacters;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A valid payload (Customerly's shape) padded to about `bytes` bytes. */
function bigPayload(email: string, bytes: number) {
  const body = userWebhook({ email, tags: ['Big'] });
  body.data.user.data.attributes = { padding: 'x'.repeat(bytes) };
  return body;
}

/** The number of users and deliveries: a refused request changes neither. */
async function counts(app: TestStrapi) {
  return {
    users: await app.strapi.db.query(USER_UID).count({}),
    deliveries: await app.strapi.db.query(DELIVERY_UID).count({}),
  };
}

/** The log written since `mark` (an index into app.output), after the logger had a moment to flush. */
async function logSince(app: TestStrapi, mark: number): Promise<string> {
  await pause(30);
  return stripAnsi(app.output.slice(mark).join(''));
}

// -----------------------------------------------------------------------------------------------------------------
// The fallback matcher is the router's own rule (no Strapi needed).
// -----------------------------------------------------------------------------------------------------------------
describe('the webhook route matcher agrees with @koa/router and path-to-regexp (as Strapi 5 uses them)', () => {
  // Resolved from @strapi/core, so it is the router Strapi itself runs.
  const Router = createRequire(require.resolve('@strapi/core'))('@koa/router');

  function strapiLayer(prefix: string) {
    // What Strapi does: a content-API router with the REST prefix, a sub-router with the plugin's prefix.
    const api = new Router({ prefix });
    const sub = new Router({ prefix: '/customerly' });
    sub.post('/webhook', () => undefined);
    api.use(sub.routes());
    const layer = api.stack.find((l: { methods: string[] }) => l.methods.includes('POST'));
    assert.ok(layer, 'the layer exists');
    return layer;
  }

  for (const prefix of ['/api', '/v2', '/rest/', '/API', '/my.api', '/a-b_c~d']) {
    it(`prefix ${JSON.stringify(prefix)}: the same paths match`, () => {
      const layer = strapiLayer(prefix);
      const path = webhookRoutePath(prefix);
      assert.equal(layer.path, path, 'the path is the prefix glued to /customerly/webhook');
      const ours = literalRouteRegExp(path);
      const variants = [
        path,
        `${path}/`,
        `${path}//`,
        `${path}#`,
        `${path}?`,
        `${path}x`,
        `${path}s`,
        `${path}.`,
        `${path}%2F`,
        path.toUpperCase(),
        `${path.toUpperCase()}/`,
        path.replace('webhook', 'WebHook'),
        path.replace('customerly', 'CUSTOMERLY'),
        `/${path}`,
        path.replace('/customerly', '//customerly'),
        path.replace('/webhook', '//webhook'),
        path.replace('webhook', '%77ebhook'),
        path.replace('webhook', 'web%68ook'),
        path.replace('/customerly/', '/customerly/./'),
        `/x${path}`,
        prefix,
        `${prefix}/customerly`,
        '/customerly/webhook',
        '/api/customerly/webhook',
        '/v2/customerly/webhook',
        path.replace('webhook', 'webhooK'),
        path.replace('webhook', 'webho\u212Ak'),
        path.replace('s', '\u017F'),
      ];
      for (const p of variants)
        assert.equal(ours.test(p), layer.match(p), `${JSON.stringify(p)} under ${JSON.stringify(prefix)}`);
      assert.ok(ours.test(`${path}/`) && ours.test(path.toUpperCase()), 'trailing slash and upper case are the route');
    });
  }
});

// -----------------------------------------------------------------------------------------------------------------
// Path variants, under the default prefix and under another one.
// -----------------------------------------------------------------------------------------------------------------
for (const restPrefix of ['/api', '/v2']) {
  describe(`path variants under the REST prefix ${restPrefix} (real Strapi at log level http)`, () => {
    let app: TestStrapi;
    const route = `${restPrefix}/customerly/webhook`;
    const variants: Array<[string, string]> = [
      ['the route itself', route],
      ['a trailing slash', `${route}/`],
      ['upper case', route.toUpperCase()],
      ['mixed case and a trailing slash', `${restPrefix}/Customerly/WebHook/`],
    ];

    before(async () => {
      app = await startStrapi({
        logLevel: 'http',
        restPrefix,
        // A burst large enough for the tests before the rate-limit one, refilled too slowly to matter.
        pluginConfig: { rateLimit: { enabled: true, burst: 80, perSecond: 0.01 } },
      });
    });
    after(async () => app?.stop());

    it('the router serves the webhook under this prefix, and the intake uses that router rule', async () => {
      assert.equal(app.webhookPath, route);
      assert.ok(routerRegExp(app.strapi, route), "the intake finds the route's layer in Strapi's content-API router");
      const res = await app.webhook({ action: 'test' });
      assert.equal(res.status, 200, JSON.stringify(res.json));
    });

    for (const [name, path] of variants) {
      it(`${name} (${path}): the access key never reaches the request log`, async () => {
        const mark = app.output.length;
        const ok = await app.webhook({ action: 'test' }, undefined, { path });
        assert.equal(ok.status, 200, `the router serves ${path}: ${JSON.stringify(ok.json)}`);
        const wrong = await app.webhook({ action: 'test', access_key: `${app.webhookKey}-wrong` }, undefined, { path });
        assert.equal(wrong.status, 401);
        const log = await logSince(app, mark);
        assert.ok(log.includes(`http: POST ${path}?`), `the request log at level http is captured for ${path}`);
        assert.ok(!log.includes(app.webhookKey), `the key is in the request log for ${path}`);
        assert.ok(!log.includes(encodeURIComponent(app.webhookKey)), 'nor URL-encoded');
        assert.match(log, /access_key=%5Bredacted%5D/);
      });

      it(`${name} (${path}): a 300 KB body gets 413 and changes nothing`, async () => {
        const email = `big.${name.replace(/\W+/g, '-')}@example.com`;
        const before = await counts(app);
        const res = await app.webhook({ action: 'add', email }, bigPayload(email, BIG), { path });
        assert.equal(res.status, 413, JSON.stringify(res.json));
        assert.equal(res.json.error?.code, 'body_too_large');
        assert.deepEqual(await counts(app), before);
        assert.equal((await usersByEmail(app.strapi, email)).length, 0);
      });

      it(`${name} (${path}): a form-encoded body gets 400 and changes nothing`, async () => {
        const email = `form.${name.replace(/\W+/g, '-')}@example.com`;
        const before = await counts(app);
        const form = new URLSearchParams({ event: 'contact_tagged', email, tags: 'Form' }).toString();
        const res = await app.webhook({ action: 'add', email }, form, { path, raw: true, headers: FORM });
        assert.equal(res.status, 400, JSON.stringify(res.json));
        assert.equal(res.json.error?.code, 'invalid_json');
        assert.deepEqual(await counts(app), before);
        assert.equal((await usersByEmail(app.strapi, email)).length, 0);
      });
    }

    it('paths the router does not serve answer no webhook, and the key is not logged for them either', async () => {
      for (const path of [
        `${route}//`,
        route.replace('/customerly', '//customerly'),
        route.replace('webhook', '%77ebhook'),
      ]) {
        const mark = app.output.length;
        const res = await app.webhook({ action: 'test' }, undefined, { path });
        assert.notEqual(res.status, 200, `${path} is not the webhook`);
        assert.ok(res.status < 500, `${path}: ${res.status}`);
        const log = await logSince(app, mark);
        assert.ok(log.includes(`POST ${path}?`), 'the request was logged');
        assert.ok(!log.includes(app.webhookKey), `the key is in the request log for ${path}`);
      }
    });

    it('the rate limit applies on every variant (429 with Retry-After)', async () => {
      let status = 0;
      for (let i = 0; i < 100 && status !== 429; i++) status = (await app.webhook({ action: 'test' })).status;
      assert.equal(status, 429, 'the bucket ran out');
      for (const [name, path] of variants) {
        const res = await app.webhook({ action: 'test' }, undefined, { path });
        assert.equal(res.status, 429, `${name} (${path}) is rate limited`);
        assert.equal(res.json.error?.code, 'rate_limited');
        assert.ok(Number(res.headers.get('retry-after')) >= 1);
      }
    });
  });
}

// -----------------------------------------------------------------------------------------------------------------
// Every spelling of a secret query parameter is redacted from the request log (item 7).
// -----------------------------------------------------------------------------------------------------------------
describe('secret query parameters under any spelling stay out of the request log (real Strapi at log level http)', () => {
  let app: TestStrapi;
  before(async () => {
    app = await startStrapi({ logLevel: 'http' });
    // An app route of our own, after Strapi's router: it answers what it was given.
    app.strapi.server.app.use(async (ctx: Context, next: Next) => {
      if (ctx.path !== '/echo-query') return next();
      ctx.status = 200;
      ctx.body = { querystring: ctx.querystring, query: ctx.query };
    });
  });
  after(async () => app?.stop());

  const spellings: Array<[string, (key: string) => string]> = [
    ['access_key[]=', (k) => `action=test&access_key[]=${k}`],
    ['access_key%5B%5D=', (k) => `action=test&access_key%5B%5D=${k}`],
    ['access_key[0]=', (k) => `action=test&access_key[0]=${k}`],
    ['access_key[a][b]=', (k) => `action=test&access_key[a][b]=${k}`],
    ['ACCESS_KEY=', (k) => `action=test&ACCESS_KEY=${k}`],
    ['Access_Key=', (k) => `action=test&Access_Key=${k}`],
    ['access%5Fkey=', (k) => `action=test&access%5Fkey=${k}`],
    ['%61ccess_key=', (k) => `action=test&%61ccess_key=${k}`],
    ['access%255Fkey= (encoded twice)', (k) => `action=test&access%255Fkey=${k}`],
    ['access-key=', (k) => `action=test&access-key=${k}`],
    ['accessKey=', (k) => `action=test&accessKey=${k}`],
    ['access_key+= (a space after the name)', (k) => `action=test&access_key+=${k}`],
    ['x[access_key]=', (k) => `action=test&x[access_key]=${k}`],
    ['after a ; in a pair', (k) => `action=test;access_key=${k}`],
    ['the plain name, repeated', (k) => `action=test&access_key=${k}&access_key=${k}`],
  ];

  for (const [name, query] of spellings) {
    it(`${name}: not in the log, on the webhook route or any other`, async () => {
      const key = app.webhookKey;
      for (const path of [
        app.webhookPath,
        `${app.webhookPath}/`,
        '/api/users-permissions/roles',
        '/api/no-such-route',
      ]) {
        const mark = app.output.length;
        const res = await fetch(`${app.baseUrl}${path}?${query(key)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        assert.ok(res.status < 500, `${path}: ${res.status}`);
        await res.arrayBuffer();
        const log = await logSince(app, mark);
        assert.ok(log.includes(`POST ${path}?`), `the request log is captured for ${path}`);
        assert.ok(!log.includes(key), `${name} on ${path}: the key is in the request log`);
        assert.ok(
          !log.includes(encodeURIComponent(key)),
          `${name} on ${path}: the key is in the request log (encoded)`
        );
      }
    });
  }

  it("another route still gets its secret-named query parameters (the log's redaction happens after it)", async () => {
    const mark = app.output.length;
    const res = await fetch(`${app.baseUrl}/echo-query?token=abc-123-token&access_key[]=def-456-key&page=2`);
    assert.equal(res.status, 200);
    const seen = (await res.json()) as { querystring: string; query: unknown };
    assert.equal(seen.querystring, 'token=abc-123-token&access_key[]=def-456-key&page=2');
    assert.deepEqual(seen.query, { token: 'abc-123-token', access_key: ['def-456-key'], page: '2' });
    const log = await logSince(app, mark);
    assert.ok(log.includes('GET /echo-query?'), 'the request was logged');
    assert.ok(!log.includes('abc-123-token') && !log.includes('def-456-key'), 'but not its secrets');
    assert.ok(log.includes('page=2'), 'the other parameters are logged as they were');
  });
});

// -----------------------------------------------------------------------------------------------------------------
// A request that reaches the controller without the intake is refused (item 6), and the warning is printed at
// LOG_LEVEL=http (item 15).
// -----------------------------------------------------------------------------------------------------------------
describe('without the intake middleware the webhook refuses every request (real Strapi at log level http)', () => {
  let app: TestStrapi;
  before(async () => {
    app = await startStrapi({
      logLevel: 'http',
      // As an app's register (or another plugin) could: take the intake out of the middleware list.
      afterRegister: (strapi) => {
        const list = strapi.config.get('middlewares') as Array<string | { name?: string }>;
        strapi.config.set(
          'middlewares',
          list.filter((m) => (typeof m === 'string' ? m : m.name) !== INTAKE_MIDDLEWARE)
        );
      },
    });
  });
  after(async () => app?.stop());

  it('answers 503 intake_missing, in one sentence, and stores and changes nothing', async () => {
    const email = 'no.intake@example.com';
    const before = await counts(app);
    for (const [body, init] of [
      [userWebhook({ email, tags: ['X'] }), {}],
      [new URLSearchParams({ email }).toString(), { raw: true, headers: FORM }],
    ] as const) {
      const res = await app.webhook({ action: 'add', email }, body, init);
      assert.equal(res.status, 503, JSON.stringify(res.json));
      assert.equal(res.json.ok, false);
      assert.equal(res.json.error?.code, 'intake_missing');
      assert.equal(res.json.error?.status, 503);
      assert.match(res.json.error?.message, /middleware/);
      assert.equal(
        res.json.error?.message.split(/[.!?](\s|$)/).filter((s: string) => s && s.trim()).length,
        1,
        'one sentence'
      );
    }
    const test = await app.webhook({ action: 'test' });
    assert.equal(test.status, 503, 'even the test action: the app must see that its webhook is broken');
    assert.deepEqual(await counts(app), before);
    assert.equal((await usersByEmail(app.strapi, email)).length, 0);
  });

  it('the key stays out of the request log all the same (the log redaction runs for every request)', async () => {
    const mark = app.output.length;
    await app.webhook({ action: 'test' });
    const log = await logSince(app, mark);
    assert.ok(log.includes(`POST ${app.webhookPath}?`));
    assert.ok(!log.includes(app.webhookKey));
  });

  it("the plugin's warning is printed at LOG_LEVEL=http, next to the request log (a threshold, not one level)", async () => {
    const log = stripAnsi(app.output.join(''));
    assert.match(log, /\] http: POST \/api\/customerly\/webhook\?/, 'http lines are printed');
    assert.match(
      log,
      /\] warn: \[customerly\] a webhook request was refused with 503 intake_missing/,
      'the warning is printed'
    );
  });
});

describe('the controller takes only an intake the middleware made (real Strapi)', () => {
  let app: TestStrapi;
  before(async () => {
    app = await startStrapi();
  });
  after(async () => app?.stop());

  it('refuses a forged or missing ctx.state.customerly with 503 intake_missing and stores nothing', async () => {
    const email = 'forged.intake@example.com';
    const before = await counts(app);
    const forged = {
      querystring: `action=add&access_key=${encodeURIComponent(app.webhookKey)}`,
      headers: { 'content-type': 'application/json' },
      body: { kind: 'text', text: JSON.stringify(userWebhook({ email, tags: ['Forged'] })), bytes: 100 },
    };
    for (const state of [{ customerly: forged }, {}]) {
      const headers: Record<string, string> = {};
      // The little of a koa context the controller reads and writes.
      const ctx: { state: object; querystring: string; status?: number; body?: AnswerJson } & Record<string, unknown> =
        {
          state,
          querystring: forged.querystring,
          request: { headers: forged.headers, body: JSON.parse(forged.body.text) },
          set: (h: Record<string, string>) => Object.assign(headers, h),
        };
      await app.strapi
        .plugin('customerly')
        .controller('webhook')
        .handle(ctx as unknown as Context, async () => undefined);
      assert.equal(ctx.status, 503);
      assert.equal(ctx.body?.error?.code, 'intake_missing');
    }
    assert.deepEqual(await counts(app), before);
    assert.equal((await usersByEmail(app.strapi, email)).length, 0);
  });
});
