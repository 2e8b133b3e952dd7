/**
 * The admin panel in a real browser (Debian's Chromium through playwright-core), against the playground's built
 * admin: a person sets the plugin up, Customerly calls the copied URL, the person checks the result.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startFakeCustomerly, userWebhook, type FakeCustomerly } from '../fake-customerly';
import type { AnswerJson } from '../helpers/strapi';
import { login, strongPassword, type AdminSession } from './admin-api';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  browserProblem,
  ensureAdminBuild,
  screenshotPath,
  startServer,
  type E2EServer,
} from './harness';

const problem = browserProblem();
const ci = process.env.CI === 'true' || process.env.CI === '1';
if (problem && ci) throw new Error(`browser tests cannot run: ${problem} (CI=true)`);

const EMAIL = 'owner@example.test';
const PASSWORD = strongPassword();

describe('admin panel in Chromium', { skip: problem ?? false, timeout: 600_000 }, () => {
  let server: E2EServer;
  let fake: FakeCustomerly;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let copiedAddUrl = '';
  let admin: AdminSession;

  before(async () => {
    ensureAdminBuild();
    fake = await startFakeCustomerly();
    server = await startServer({ CUSTOMERLY_API_URL: fake.url });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-US' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await fake?.close();
  });

  const settingsUrl = () => `${server.baseUrl}/admin/settings/customerly`;
  const notification = (text: RegExp | string) => page.getByText(text).first().waitFor();

  it('registers the first admin, logs out and logs in', async () => {
    await page.goto(`${server.baseUrl}/admin`);
    await page.locator('input[name=firstname]').fill('Ada');
    await page.locator('input[name=lastname]').fill('Lovelace');
    await page.locator('input[name=email]').fill(EMAIL);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.locator('input[name=confirmPassword]').fill(PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.waitForURL(/\/admin(\/)?$/, { timeout: 30_000 });

    // A fresh session: the login form.
    await context.clearCookies();
    await page.evaluate(() => {
      localStorage.clear();
      sessionStorage.clear();
    });
    await page.goto(`${server.baseUrl}/admin/auth/login`);
    await page.locator('input[name=email]').fill(EMAIL);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.waitForURL((u) => !u.pathname.includes('/auth/'), { timeout: 30_000 });
    admin = await login(server.baseUrl, EMAIL, PASSWORD);
  });

  it('opens Settings → Customerly from the settings menu', async () => {
    await page.goto(`${server.baseUrl}/admin/settings`);
    await page.locator('a[href$="/settings/customerly"]').click();
    await page.waitForURL(/\/admin\/settings\/customerly/);
    await page.getByRole('heading', { name: 'Customerly', level: 1 }).waitFor();
    await page.getByText('Connect Customerly in three steps').waitFor();
    assert.match((await page.getByTestId('access-key').getAttribute('placeholder')) ?? '', /No access key yet/);
  });

  it('generates a key and copies the add URL', async () => {
    await page.getByRole('button', { name: 'Generate key' }).click();
    await notification('New access key saved');
    await page.getByRole('button', { name: 'Copy URL: add' }).click();
    await notification('Copied to the clipboard');
    copiedAddUrl = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(
      copiedAddUrl,
      /^http:\/\/127\.0\.0\.1:\d+\/api\/customerly\/webhook\?action=add&access_key=[A-Za-z0-9_-]{43}$/
    );
    assert.equal(await page.getByTestId('webhook-url-add').inputValue(), copiedAddUrl, 'the page shows the same URL');
  });

  it('sets the API token and tests the connection', async () => {
    await page.getByLabel('API token').fill('a-wrong-token');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByTestId('connection-result').getByText('Customerly refused the API token').waitFor();
    await page.getByLabel('API token').fill(fake.token);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByTestId('connection-result').getByText('Customerly accepted the API token').waitFor();
  });

  it('sets return password and the role allowlist, saves, and finds them after a reload', async () => {
    await page.getByTestId('return-password-toggle').click();
    await page.getByLabel('Customerly attribute').fill('strapi_password');
    const allowlist = page.getByTestId('allowed-roles');
    await allowlist.getByRole('checkbox', { name: 'Authenticated' }).click();
    await allowlist.getByRole('checkbox', { name: 'Public' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await notification('Settings saved');

    await page.reload();
    await page.getByRole('heading', { name: 'Customerly', level: 1 }).waitFor();
    assert.equal(await page.getByLabel('Customerly attribute').inputValue(), 'strapi_password');
    assert.equal(await page.getByTestId('return-password-toggle').isChecked(), true);
    assert.equal(await allowlist.getByRole('checkbox', { name: 'Authenticated' }).getAttribute('aria-checked'), 'true');
    assert.equal(await allowlist.getByRole('checkbox', { name: 'Public' }).getAttribute('aria-checked'), 'true');
    assert.match((await page.getByLabel('API token').getAttribute('placeholder')) ?? '', /A token is saved/);
    assert.ok(!(await page.content()).includes(fake.token), 'the token is not in the page');
    await page.screenshot({ path: screenshotPath('settings.png'), fullPage: true });
  });

  it('the email preview renders what would be sent: the built-in template for empty fields, the server host as site name', async () => {
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('email-preview');
    await preview.waitFor();
    const host = new URL(server.baseUrl).host;
    // The fields are empty: the preview shows the built-in template, as the sent email does.
    assert.match(await preview.innerText(), new RegExp(`Welcome to ${host.replace(/\./g, '\\.')}`));
    assert.match(await preview.innerText(), /An account was created for you on/);
    const html = await preview.locator('iframe').getAttribute('srcdoc');
    assert.match(html ?? '', /<a href="https:\/\/example\.com\/reset-password\?code=…">Choose your password<\/a>/);
    // A typed subject replaces the built-in one at once (nothing saved).
    await page.getByLabel('Subject').fill('Hi {{username}}');
    await preview.getByText('Hi ada.lovelace@example.com').waitFor();
    await page.getByLabel('Subject').fill('');
  });

  it('a webhook to the copied URL creates the user with its tags, visible in the Content Manager', async () => {
    const res = await fetch(copiedAddUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        userWebhook({
          email: 'grace.hopper@example.test',
          crmhero_user_id: 4242,
          name: 'Grace Hopper',
          tags: ['vip', 'beta'],
        })
      ),
    });
    const json = (await res.json()) as AnswerJson;
    assert.equal(res.status, 200, JSON.stringify(json));
    assert.equal(json.user.created, true);
    assert.equal(json.passwordReturn, 'written', JSON.stringify(json));
    assert.ok(
      fake.getUser('grace.hopper@example.test')?.attributes.strapi_password,
      'the password went back to Customerly'
    );

    await page.goto(`${server.baseUrl}/admin/content-manager/collection-types/plugin::users-permissions.user`);
    await page.getByText('grace.hopper@example.test').first().click();
    await page.waitForURL(/plugin::users-permissions\.user\/[a-z0-9]+/);
    await page.getByText('vip', { exact: true }).first().waitFor();
    await page.getByText('beta', { exact: true }).first().waitFor();
  });

  it('the delivery is in the log, with its detail, and replay works', async () => {
    await page.goto(`${server.baseUrl}/admin`);
    await page.locator('nav a[href$="/plugins/customerly"]').first().click();
    await page.waitForURL(/\/admin\/plugins\/customerly/);
    const row = page.locator('[data-testid=delivery-row][data-email="grace.hopper@example.test"]');
    await row.waitFor();
    assert.match(await row.innerText(), /add/);
    await row.locator('[data-status=done]').waitFor();
    await page.screenshot({ path: screenshotPath('deliveries.png'), fullPage: true });

    await row.getByRole('button', { name: 'Details' }).click();
    const detail = page.getByTestId('delivery-detail');
    await detail.waitFor();
    assert.match(await detail.innerText(), /grace\.hopper@example\.test/);
    assert.match(await detail.innerText(), /attempts \(1\)/i);
    assert.ok(!(await page.content()).includes(copiedAddUrl.split('access_key=')[1]!), 'no key in the detail');
    await page.screenshot({ path: screenshotPath('delivery-detail.png') });

    await page.getByRole('button', { name: 'Replay' }).click();
    await notification(/Replayed: HTTP 200/);
    await detail.getByText(/attempts \(2\)/i).waitFor();
  });

  it('filters the log', async () => {
    await page.keyboard.press('Escape');
    await page.getByLabel('Email contains').fill('nobody-here');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByText('No delivery matches these filters').waitFor();
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await page.locator('[data-testid=delivery-row]').first().waitFor();
  });

  it('the filters and the page are in the URL: a link opens the filtered log, Back returns to the previous filters', async () => {
    const logUrl = `${server.baseUrl}/admin/plugins/customerly`;
    await page.getByLabel('Email contains').fill('grace');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('email') === 'grace');
    await page.locator('[data-testid=delivery-row][data-email="grace.hopper@example.test"]').waitFor();

    // A link to a filtered log, opened fresh.
    await page.goto(`${logUrl}?email=nobody-here`);
    await page.getByText('No delivery matches these filters').waitFor();
    assert.equal(await page.getByLabel('Email contains').inputValue(), 'nobody-here');
    await page.goto(`${logUrl}?status=done&action=add`);
    await page.locator('[data-testid=delivery-row][data-email="grace.hopper@example.test"]').waitFor();

    // Back: the previous filters, in the form and in the table.
    await page.goBack();
    await page.getByText('No delivery matches these filters').waitFor();
    assert.equal(await page.getByLabel('Email contains').inputValue(), 'nobody-here');
  });

  it('after a replay the list shows the new attempt without a reload', async () => {
    await page.goto(`${server.baseUrl}/admin/plugins/customerly?email=grace`);
    const row = page.locator('[data-testid=delivery-row][data-email="grace.hopper@example.test"]');
    const attempts = row.locator('td').nth(4);
    const before = Number(await attempts.innerText());
    await row.getByRole('button', { name: 'Details' }).click();
    await page.getByTestId('delivery-detail').waitFor();
    await page.getByRole('button', { name: 'Replay' }).click();
    await notification(/Replayed: HTTP 200/);
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      ([n]) => document.querySelectorAll('[data-testid=delivery-row] td')[4]?.textContent === String(n),
      [before + 1]
    );
  });

  it('settings survive a restart', async () => {
    await server.restart();
    admin = await login(server.baseUrl, EMAIL, PASSWORD);
    const res = await admin.call('GET', '/customerly/settings');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.data.settings.returnPassword, { enabled: true, attribute: 'strapi_password' });
    assert.deepEqual([...res.json.data.settings.allowedRoles].sort(), ['authenticated', 'public']);
    assert.equal(res.json.data.secrets.apiToken.set, true);
    const test = await fetch(copiedAddUrl.replace('action=add', 'action=test'), { method: 'POST' });
    assert.equal(test.status, 200, 'the saved key still works');
  });

  it('an admin role without the plugin permissions cannot open the page, and the API refuses its writes', async () => {
    // As the super admin, through the admin API: a role with no permission, and a user in it.
    const role = await admin.call('POST', '/admin/roles', {
      name: 'No Customerly',
      description: 'no plugin permissions',
    });
    assert.equal(role.status, 201, JSON.stringify(role.json));
    const email = 'editor@example.test';
    const created = await admin.call('POST', '/admin/users', {
      firstname: 'Ed',
      lastname: 'Itor',
      email,
      roles: [role.json.data.id],
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const password = strongPassword();
    const reg = await fetch(`${server.baseUrl}/admin/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        registrationToken: created.json.data.registrationToken,
        userInfo: { firstname: 'Ed', lastname: 'Itor', password },
      }),
    });
    assert.equal(reg.status, 200, await reg.text());

    const other = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-US' });
    try {
      const p = await other.newPage();
      p.setDefaultTimeout(20_000);
      await p.goto(`${server.baseUrl}/admin/auth/login`);
      await p.locator('input[name=email]').fill(email);
      await p.locator('input[name=password]').fill(password);
      await p.locator('button[type=submit]').click();
      await p.waitForURL((u) => !u.pathname.includes('/auth/'), { timeout: 30_000 });
      await p.goto(settingsUrl());
      await p
        .getByText(/don.t have the permissions/i)
        .first()
        .waitFor();
      assert.equal(await p.getByTestId('access-key').count(), 0);
      await p.goto(`${server.baseUrl}/admin/plugins/customerly`);
      await p
        .getByText(/don.t have the permissions/i)
        .first()
        .waitFor();
      assert.equal(await p.getByTestId('delivery-row').count(), 0);
      await p.screenshot({ path: screenshotPath('no-permission.png') });
    } finally {
      await other.close();
    }

    const editor = await login(server.baseUrl, email, password);
    assert.equal((await editor.call('PUT', '/customerly/settings', { processing: 'sync' })).status, 403);
    assert.equal((await editor.call('POST', '/customerly/settings/access-key')).status, 403);
    assert.equal((await editor.call('POST', '/customerly/settings/reveal', { field: 'webhookKey' })).status, 403);
    assert.equal((await editor.call('GET', '/customerly/settings')).status, 403);
  });
});
