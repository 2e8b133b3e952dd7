/**
 * The welcome email and the panel's "Send test email" (issue 10): no email without users-permissions' Reset password
 * page, the page in the link when it is set, and the test email to the signed-in admin.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RESET_PAGE_SETTING, TEST_EMAIL_CODE, TEST_EMAIL_NOTE } from '../../shared/contracts/email-template';
import { ACTIONS } from '../../shared/contracts/permissions';
import { startFakeCustomerly, userWebhook, type FakeCustomerly } from '../fake-customerly';
import { DELIVERY_UID, oneUser, setResetPasswordUrl } from '../helpers/fixtures';
import { startStrapi, type CapturedEmail, type TestStrapi } from '../helpers/strapi';
import { createRole, signedInAdmin, type AdminSession } from '../e2e/admin-api';
import { validationPaths } from '../helpers/assertions';

const PAGE = 'https://front.test/account/set-password';
const PROVIDER_SECRET = 'smtp-Pa55word-never-shown';

describe('welcome email and test email (real Strapi, admin JWT over HTTP)', () => {
  let app: TestStrapi;
  let fake: FakeCustomerly;
  let admin: AdminSession;
  let reader: AdminSession;

  const mailsTo = (to: string): CapturedEmail[] => app.emails.filter((m) => m.to === to);
  const emailPlugin = () => app.strapi.plugin('email') as unknown as { provider: { send: (m: unknown) => unknown } };

  /** Runs `fn` with an email provider that refuses every message, quoting its configured password. */
  async function withFailingProvider<T>(fn: () => Promise<T>): Promise<T> {
    const provider = emailPlugin().provider;
    const original = provider.send;
    const config = app.strapi.config.get('plugin::email') as { providerOptions: Record<string, unknown> };
    const options = config.providerOptions;
    config.providerOptions = { ...options, auth: { user: 'mailer', pass: PROVIDER_SECRET } };
    provider.send = async () => {
      throw new Error(
        `Invalid login: 535 for smtp://mailer:${PROVIDER_SECRET}@mail.example.test (pass ${PROVIDER_SECRET})`
      );
    };
    try {
      return await fn();
    } finally {
      provider.send = original;
      config.providerOptions = options;
    }
  }

  before(async () => {
    fake = await startFakeCustomerly();
    app = await startStrapi({ apiUrl: fake.url, apiToken: fake.token });
    admin = await signedInAdmin(app, { email: 'owner@example.test' });
    const readOnly = await createRole(app.strapi, 'Customerly readers', [ACTIONS.settingsRead]);
    reader = await signedInAdmin(app, { email: 'reader@example.test', roleId: readOnly.id });
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('without a Reset password page: no email, the user is created, the answer says not-sent and names the setting', async () => {
    const view = await admin.call('GET', '/customerly/settings');
    assert.equal(view.status, 200);
    assert.equal(view.json.data.meta.resetPasswordPage, null, 'the panel learns that the page is unset');

    const res = await app.webhook(
      { action: 'add', send_notification: 'true' },
      userWebhook({ email: 'no-page@example.com', tags: [] })
    );
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.user.created, true);
    assert.equal(res.json.welcomeEmail, 'not-sent');
    const warning = (res.json.warnings as string[] | undefined)?.find((w) => w.includes('welcome email'));
    assert.ok(warning, `a warning about the email: ${JSON.stringify(res.json.warnings)}`);
    assert.ok(warning.includes(RESET_PAGE_SETTING), `the warning names the setting: ${warning}`);
    assert.equal(mailsTo('no-page@example.com').length, 0, 'no email reached the provider');
    const user = await oneUser(app.strapi, 'no-page@example.com');
    assert.ok(!user.resetPasswordToken, 'no reset code was stored');

    const delivery = await app.strapi.db.query(DELIVERY_UID).findOne({ where: { eventId: res.json.eventId } });
    assert.equal(delivery.result.welcomeEmail, 'not-sent', 'the stored result says so too');
  });

  it('a page of blanks counts as unset', async () => {
    await setResetPasswordUrl(app.strapi, '   ');
    const res = await app.webhook(
      { action: 'add', send_notification: 'true' },
      userWebhook({ email: 'blank-page@example.com', tags: [] })
    );
    assert.equal(res.json.welcomeEmail, 'not-sent');
    assert.equal(mailsTo('blank-page@example.com').length, 0);
  });

  it('without send_notification nothing is said about the page', async () => {
    const res = await app.webhook({ action: 'add' }, userWebhook({ email: 'quiet@example.com', tags: [] }));
    assert.equal(res.json.welcomeEmail, 'not-requested');
    assert.ok(!JSON.stringify(res.json.warnings ?? []).includes('Reset password page'));
  });

  it('with the page set: the panel shows it and the email links to it with the stored reset code', async () => {
    await setResetPasswordUrl(app.strapi, PAGE);
    const view = await admin.call('GET', '/customerly/settings');
    assert.equal(view.json.data.meta.resetPasswordPage, PAGE);

    const res = await app.webhook(
      { action: 'add', send_notification: 'true' },
      userWebhook({ email: 'with-page@example.com', tags: [] })
    );
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.welcomeEmail, 'sent');
    assert.equal(res.json.warnings, undefined, JSON.stringify(res.json.warnings));
    const [mail, ...more] = mailsTo('with-page@example.com');
    assert.ok(mail, 'the email reached the provider');
    assert.equal(more.length, 0);
    const user = await oneUser(app.strapi, 'with-page@example.com');
    assert.ok(user.resetPasswordToken);
    const link = `${PAGE}?code=${user.resetPasswordToken}`;
    assert.ok(String(mail.text).includes(link), `the text links to the page: ${mail.text}`);
    assert.ok(String(mail.html).includes(link), 'the html too');
  });

  it('a provider failure while sending the welcome email: failed, with a warning that quotes no provider secret', async () => {
    const res = await withFailingProvider(() =>
      app.webhook({ action: 'add', send_notification: 'true' }, userWebhook({ email: 'refused@example.com', tags: [] }))
    );
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.welcomeEmail, 'failed');
    const text = JSON.stringify(res.json);
    assert.match(text, /Invalid login/);
    assert.ok(!text.includes(PROVIDER_SECRET), text);
  });

  it('Send test email: the form values (unsaved) rendered for a sample user, marked as a test, to the admin', async () => {
    const before = mailsTo(admin.email).length;
    const res = await admin.call('POST', '/customerly/settings/test-email', {
      subject: 'Hi {{username}} from {{siteName}}',
      text: '',
      html: '<p>Your link: <a href="{{link}}">set it</a></p>',
      siteName: 'Acme',
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json.data, { ok: true, to: admin.email });
    const sent = mailsTo(admin.email);
    assert.equal(sent.length, before + 1, 'one email to the admin');
    const mail = sent.at(-1)!;
    assert.equal(mail.subject, '[Test] Hi ada.lovelace@example.com from Acme');
    assert.ok(String(mail.text).startsWith(TEST_EMAIL_NOTE), 'the text says it is a test');
    assert.match(String(mail.text), /An account was created for you on Acme/, 'an empty field: the built-in text');
    assert.ok(String(mail.text).includes(`${PAGE}?code=${TEST_EMAIL_CODE}`), 'a sample link to the page');
    assert.match(String(mail.html), /^<p><em>This is a test of the welcome email/);
    assert.ok(String(mail.html).includes(`<a href="${PAGE}?code=${TEST_EMAIL_CODE}">set it</a>`), String(mail.html));

    const saved = await admin.call('GET', '/customerly/settings');
    assert.equal(saved.json.data.settings.welcomeEmail.subject, '', 'nothing was saved');
  });

  it('Send test email needs settings.update: 403 for a read-only admin, and nothing sent', async () => {
    const count = app.emails.length;
    const res = await reader.call('POST', '/customerly/settings/test-email', { subject: '', text: '', html: '' });
    assert.equal(res.status, 403, JSON.stringify(res.json));
    assert.equal(app.emails.length, count);
    assert.equal((await reader.call('GET', '/customerly/settings')).status, 200, 'the reader may read');
  });

  it('Send test email refuses a bad body with 400, naming the field, and sends nothing', async () => {
    const count = app.emails.length;
    const cases: Array<[unknown, string[]]> = [
      [{ subject: 5, text: '', html: '' }, ['subject']],
      [{ subject: '', text: '', html: '', password: 'x' }, ['']],
      [{ subject: '', text: '' }, ['html']],
      [{ subject: 'x'.repeat(501), text: '', html: '' }, ['subject']],
      [[], ['']],
    ];
    for (const [body, paths] of cases) {
      const res = await admin.call('POST', '/customerly/settings/test-email', body);
      assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${JSON.stringify(res.json)}`);
      assert.equal(res.json.error.name, 'ValidationError');
      assert.deepEqual(validationPaths(res.json), paths, JSON.stringify(res.json));
    }
    assert.equal(app.emails.length, count);
  });

  it('Send test email when the provider fails: 502 with a sentence, no provider secret', async () => {
    const res = await withFailingProvider(() =>
      admin.call('POST', '/customerly/settings/test-email', { subject: '', text: '', html: '' })
    );
    assert.equal(res.status, 502, JSON.stringify(res.json));
    assert.equal(res.json.error.status, 502);
    assert.match(res.json.error.message, /could not send the test email: Invalid login/);
    assert.ok(!JSON.stringify(res.json).includes(PROVIDER_SECRET), JSON.stringify(res.json));
    assert.ok(!app.output.join('').includes(PROVIDER_SECRET), 'nor in the log');
  });
});
