/**
 * The welcome email section in a real browser (issue 10): the warning and its link while users-permissions has no
 * Reset password page, gone once the page is set there; the preview of the built-in template; "Send test email".
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { TEST_EMAIL_CODE } from '../../shared/contracts/email-template';
import type { CapturedEmail } from '../helpers/strapi';
import { browserSuite, startAdminSession, type AdminBrowserSession } from './harness';

const EMAIL = 'mail.owner@example.test';
const RESET_PAGE = 'https://front.example.test/set-password';

browserSuite('welcome email section in Chromium', () => {
  let session: AdminBrowserSession;
  let page: Page;
  const dir = mkdtempSync(path.join(tmpdir(), 'customerly-e2e-emails-'));
  const emailsFile = path.join(dir, 'emails.jsonl');

  /** The messages the server gave its email provider (scripts/e2e-serve.js writes them with E2E_EMAILS_FILE). */
  const sentEmails = (): CapturedEmail[] =>
    existsSync(emailsFile)
      ? readFileSync(emailsFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as CapturedEmail)
      : [];

  before(async () => {
    session = await startAdminSession({
      env: { E2E_EMAILS_FILE: emailsFile },
      admin: { email: EMAIL, firstname: 'Mail', lastname: 'Owner' },
    });
    page = session.page;
  });

  after(async () => {
    await session?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const openSettings = async () => {
    await page.goto(`${session.server.baseUrl}/admin/settings/customerly`);
    await page.getByRole('heading', { name: 'Welcome email' }).waitFor();
  };

  it('without a Reset password page: a warning with a link to the setting, which opens it', async () => {
    await openSettings();
    const warning = page.getByTestId('reset-page-warning');
    await warning.waitFor();
    assert.match(await warning.innerText(), /Welcome emails are not sent/);
    assert.match(await warning.innerText(), /Advanced settings → Reset password page/);
    await warning.scrollIntoViewIfNeeded();
    await session.shot('welcome-email-no-reset-page.png');

    await warning.getByRole('link', { name: 'Open the advanced settings' }).click();
    await page.waitForURL(/\/admin\/settings\/users-permissions\/advanced-settings$/);
    await page.locator('input[name=email_reset_password]').waitFor();
  });

  it('once the page is set in users-permissions, the warning is gone and the page is named', async () => {
    await page.locator('input[name=email_reset_password]').fill(RESET_PAGE);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved').first().waitFor();

    await openSettings();
    const named = page.getByTestId('reset-page-set');
    await named.waitFor();
    assert.ok((await named.innerText()).includes(RESET_PAGE));
    assert.equal(await page.getByTestId('reset-page-warning').count(), 0);
  });

  it('the preview shows the built-in template while the fields are empty', async () => {
    for (const label of ['Subject', 'Text body', 'HTML body'])
      assert.equal(await page.getByLabel(label).inputValue(), '', `${label} is empty`);
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('email-preview');
    await preview.waitFor();
    const host = new URL(session.server.baseUrl).host;
    assert.ok((await preview.innerText()).includes(`Welcome to ${host}`), await preview.innerText());
    assert.match(await preview.innerText(), /An account was created for you on/);
    assert.match((await preview.locator('iframe').getAttribute('srcdoc')) ?? '', />Choose your password<\/a>/);
  });

  it('Send test email: the unsaved subject, rendered for the sample user, reaches the admin; a notification says so', async () => {
    const before = sentEmails().length;
    await page.getByLabel('Subject').fill('Try it, {{username}}');
    await page.getByRole('button', { name: 'Send test email' }).click();
    await page.getByText(`Test email sent to ${EMAIL}`).first().waitFor();
    await session.shot('welcome-email-test-sent.png');

    const sent = sentEmails().slice(before);
    assert.equal(sent.length, 1, JSON.stringify(sent));
    const [mail] = sent;
    assert.equal(mail!.to, EMAIL);
    assert.equal(mail!.subject, '[Test] Try it, ada.lovelace@example.com');
    assert.match(String(mail!.text), /^This is a test of the welcome email/);
    assert.ok(String(mail!.text).includes(`${RESET_PAGE}?code=${TEST_EMAIL_CODE}`), String(mail!.text));
  });
});
