import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStrapi, type AnswerJson, type TestStrapi } from '../helpers/strapi';

/** Every error answer is JSON with a status, a code and a one-sentence reason. */
function assertErrorAnswer(res: { status: number; json: AnswerJson }, status: number, code: string) {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.equal(res.json.ok, false);
  assert.equal(res.json.error.status, status);
  assert.equal(res.json.error.code, code);
  assert.match(res.json.error.message, /^[A-Z].+[.]$/, 'a sentence');
}

describe('webhook route: key, action and body checks (real Strapi)', () => {
  let app: TestStrapi;
  before(async () => {
    app = await startStrapi({ logLevel: 'http' });
  });
  after(async () => app?.stop());

  it('the test action answers 200 {"ok":true}', async () => {
    const res = await app.webhook({ action: 'test' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { ok: true });
  });

  it('wpf_action is an alias of action', async () => {
    const res = await app.webhook({ wpf_action: 'test' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { ok: true });
  });

  it('the key may come in the x-customerly-access-key header', async () => {
    const res = await app.webhook({ action: 'test' }, undefined, {
      noKey: true,
      headers: { 'x-customerly-access-key': app.webhookKey },
    });
    assert.equal(res.status, 200);
  });

  it('a wrong key gets 401', async () => {
    assertErrorAnswer(await app.webhook({ action: 'test', access_key: 'nope' }), 401, 'invalid_access_key');
    // Same length as the real key, one character off.
    const almost = app.webhookKey.slice(0, -1) + (app.webhookKey.endsWith('A') ? 'B' : 'A');
    assertErrorAnswer(await app.webhook({ action: 'test', access_key: almost }), 401, 'invalid_access_key');
  });

  it('a missing key gets 401', async () => {
    assertErrorAnswer(await app.webhook({ action: 'test' }, undefined, { noKey: true }), 401, 'missing_access_key');
  });

  it('a wrong key is refused before anything else is looked at', async () => {
    assertErrorAnswer(
      await app.webhook({ action: 'nope', access_key: 'wrong' }, '{not json', { raw: true }),
      401,
      'invalid_access_key'
    );
  });

  it('an unknown or missing action gets 400', async () => {
    assertErrorAnswer(await app.webhook({ action: 'delete_everything' }), 400, 'bad_action');
    assertErrorAnswer(await app.webhook({}), 400, 'bad_action');
  });

  it('a non-JSON body gets 400', async () => {
    assertErrorAnswer(await app.webhook({ action: 'test' }, '{"data": ', { raw: true }), 400, 'invalid_json');
    assertErrorAnswer(
      await app.webhook({ action: 'test' }, 'hello', { raw: true, headers: { 'content-type': 'text/plain' } }),
      400,
      'invalid_json'
    );
  });

  it('JSON that is not an object gets 400', async () => {
    assertErrorAnswer(await app.webhook({ action: 'test' }, [1, 2]), 400, 'invalid_body');
    assertErrorAnswer(await app.webhook({ action: 'test' }, 'null', { raw: true }), 400, 'invalid_body');
  });

  it('a body over the limit gets 413', async () => {
    const huge = { data: { user: { data: { email: 'a@b.co', blob: 'x'.repeat(300 * 1024) } } } };
    assertErrorAnswer(await app.webhook({ action: 'test' }, huge), 413, 'body_too_large');
  });

  it('unknown and repeated parameters get 400', async () => {
    assertErrorAnswer(await app.webhook({ action: 'test', foo: 'bar' }), 400, 'unknown_parameter');
    assertErrorAnswer(
      await app.webhook(`action=test&action=add&access_key=${encodeURIComponent(app.webhookKey)}`),
      400,
      'bad_parameter'
    );
  });

  it("the access key never reaches Strapi's request log", async () => {
    await app.webhook({ action: 'test' });
    await app.webhook({ action: 'test', access_key: 'a-wrong-key-1234567890' });
    const log = app.output.join('');
    assert.match(log, /POST \/api\/customerly\/webhook\?/, 'the request log (level http) is captured');
    assert.ok(!log.includes(app.webhookKey), 'the configured key is not in the log');
    assert.ok(!log.includes(encodeURIComponent(app.webhookKey)), 'nor URL-encoded');
    assert.ok(!log.includes('a-wrong-key-1234567890'), 'a wrong key is not logged either');
  });

  it('other routes are untouched by the intake middleware', async () => {
    const res = await fetch(`${app.baseUrl}/api/users-permissions/roles`);
    assert.notEqual(res.status, 500);
  });
});

describe('webhook route with no key configured (real Strapi)', () => {
  let app: TestStrapi;
  before(async () => {
    app = await startStrapi({ webhookKey: '' });
  });
  after(async () => app?.stop());

  it('answers 503 and explains how to configure it', async () => {
    const res = await app.webhook({ action: 'test', access_key: 'anything' });
    assertErrorAnswer(res, 503, 'not_configured');
    assert.match(res.json.error.message, /CUSTOMERLY_WEBHOOK_KEY/);
  });
});
