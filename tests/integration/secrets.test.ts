import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeCustomerly, userWebhook, type FakeCustomerly } from '../fake-customerly';
import { startStrapi, type TestStrapi } from '../helpers/strapi';
import { DELIVERY_UID, setResetPasswordUrl, type ContactWrite } from '../helpers/fixtures';

/**
 * No secret (access key, API token, a given or generated password) may appear in Strapi's log (at its default
 * level, request log included), in an answer, or in a stored delivery. This test sends them every way it can,
 * then greps everything.
 */
describe('secrets stay secret (real Strapi at log level http)', () => {
  let app: TestStrapi;
  let fake: FakeCustomerly;
  const answers: string[] = [];
  const givenPassword = 'Given-Pass-Zq81xLk22';

  before(async () => {
    fake = await startFakeCustomerly({ token: 'api-token-Hq72Mm0aPzz' });
    app = await startStrapi({
      logLevel: 'http',
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: {
        returnPassword: { enabled: true, attribute: 'wp_password' },
        fieldMapping: [{ from: 'attributes.secret_pass', to: 'user_pass' }],
        customerly: { maxRetries: 1, maxBackoffMs: 10 },
      },
    });
    // The welcome email is sent only with users-permissions' Reset password page set.
    await setResetPasswordUrl(app.strapi, 'http://front.test/reset-password');
    const send = async (...args: Parameters<TestStrapi['webhook']>) =>
      answers.push(JSON.stringify((await app.webhook(...args)).json));
    await send({ action: 'add', send_notification: 'true' }, userWebhook({ email: 'gen@example.com', tags: ['a'] }));
    await send(
      { action: 'add' },
      userWebhook({ email: 'given@example.com', tags: [], attributes: { secret_pass: givenPassword } })
    );
    await send({ action: 'test' }, undefined, { noKey: true, headers: { 'x-customerly-access-key': app.webhookKey } });
    await send({ action: 'add', access_key: `${app.webhookKey}x` }, userWebhook({ email: 'bad@example.com' }));
    await send(
      { action: 'update' },
      {
        data: {
          user: { data: { email: 'gen@example.com', password: 'payload-pw-123', attributes: { api_token: 'x' } } },
        },
      }
    );
    // A Customerly failure while writing the password back: its error text must not leak the password either.
    fake.fault({ kind: 'status', status: 500, path: '/users', method: 'POST' });
    await send({ action: 'add' }, userWebhook({ email: 'fail@example.com', tags: [] }));
    fake.clearFaults();
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  function secrets(): string[] {
    const generated = fake
      .requestsTo('POST', '/users')
      .map((r) => (r.body as { users?: ContactWrite[] } | undefined)?.users?.[0]?.attributes?.wp_password)
      .filter((password): password is string => Boolean(password));
    assert.ok(generated.length >= 2, 'generated passwords were returned to Customerly (and so are known to the test)');
    return [
      app.webhookKey,
      encodeURIComponent(app.webhookKey),
      fake.token,
      givenPassword,
      'payload-pw-123',
      ...generated,
    ];
  }

  it('the request log was captured (so the grep below means something)', () => {
    assert.match(app.output.join(''), /POST \/api\/customerly\/webhook/);
  });

  it('no secret is in the log', () => {
    const log = app.output.join('');
    for (const s of secrets()) assert.ok(!log.includes(s), `the log contains a secret (${s.slice(0, 4)}…)`);
  });

  it('no secret is in an answer', () => {
    const all = answers.join('\n');
    for (const s of secrets()) assert.ok(!all.includes(s), `an answer contains a secret (${s.slice(0, 4)}…)`);
  });

  it('no secret is in a stored delivery', async () => {
    const rows = await app.strapi.db.query(DELIVERY_UID).findMany({});
    assert.ok(rows.length >= 4);
    const stored = JSON.stringify(rows);
    for (const s of secrets())
      assert.ok(!stored.includes(s), `a stored delivery contains a secret (${s.slice(0, 4)}…)`);
    assert.match(stored, /\[redacted\]/, 'secret payload keys are replaced, not dropped');
  });

  it('no secret is in the welcome email', () => {
    const mails = JSON.stringify(app.emails);
    assert.ok(app.emails.length >= 1);
    for (const s of secrets()) assert.ok(!mails.includes(s), 'the email contains a secret');
  });
});
