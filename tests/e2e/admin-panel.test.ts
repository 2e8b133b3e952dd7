/**
 * The first run, end to end, in a real browser (Debian's Chromium through playwright-core) against the playground's
 * built admin, on one fresh server without an access key in its environment: register the first admin, open
 * Settings → Customerly, generate the key, copy a webhook URL, Customerly (here: fetch) calls it, the delivery is in
 * the log with its summary, and a replay (with the question a newer delivery of the contact brings). Then the rest of
 * the panel on the same server: filters, a restart, an admin role without the plugin's permissions.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startFakeCustomerly, userWebhook, type FakeCustomerly } from '../fake-customerly';
import type { AnswerJson } from '../helpers/strapi';
import { inviteAdmin, login, type AdminSession } from './admin-api';
import { browserSuite, openPage, signIn, startAdminSession, type AdminBrowserSession } from './harness';

const GRACE = 'grace.hopper@example.test';
/** A contact whose password cannot be returned to Customerly: its delivery is done with a warning. */
const WARNED = 'alan.turing@example.test';

browserSuite('the first run in Chromium, then the rest of the panel', () => {
  let session: AdminBrowserSession;
  let fake: FakeCustomerly;
  let page: Page;
  let copiedAddUrl = '';
  let copiedTagsUrl = '';
  let admin: AdminSession;

  before(async () => {
    fake = await startFakeCustomerly();
    // No CUSTOMERLY_WEBHOOK_KEY: the key is generated in the panel.
    session = await startAdminSession({
      env: { CUSTOMERLY_API_URL: fake.url },
      admin: { email: 'owner@example.test' },
      register: 'none',
      clipboard: true,
    });
    page = session.page;
  });

  after(async () => {
    await session?.close();
    await fake?.close();
  });

  const settingsUrl = () => `${session.server.baseUrl}/admin/settings/customerly`;
  const logUrl = () => `${session.server.baseUrl}/admin/plugins/customerly`;
  const notification = (text: RegExp | string) => page.getByText(text).first().waitFor();
  const deliveryRow = (email: string, action?: string) =>
    page.locator(`[data-testid=delivery-row][data-email="${email}"]${action ? `[data-action=${action}]` : ''}`);
  /** Customerly calling a copied URL: a real HTTP request, with the body Customerly would send. */
  const callCopied = async (url: string, body: unknown): Promise<AnswerJson> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as AnswerJson;
    assert.equal(res.status, 200, JSON.stringify(json));
    return json;
  };
  /** Copies a webhook URL with its copy button and reads it back from the clipboard. */
  const copyUrl = async (action: string): Promise<string> => {
    await page.getByRole('button', { name: `Copy URL: ${action}` }).click();
    await notification('Copied to the clipboard');
    return page.evaluate(() => navigator.clipboard.readText());
  };
  const attemptsOf = async (email: string, action: string): Promise<number> => {
    const res = await admin.call('GET', `/customerly/deliveries?email=${encodeURIComponent(email)}&action=${action}`);
    assert.equal(res.json.data.length, 1, JSON.stringify(res.json));
    return res.json.data[0].attempts;
  };

  it('registers the first admin in the page, logs out and logs in', async () => {
    const { email, password, firstname, lastname } = session.admin;
    await page.goto(`${session.server.baseUrl}/admin`);
    await page.locator('input[name=firstname]').fill(firstname);
    await page.locator('input[name=lastname]').fill(lastname);
    await page.locator('input[name=email]').fill(email);
    await page.locator('input[name=password]').fill(password);
    await page.locator('input[name=confirmPassword]').fill(password);
    await page.locator('button[type=submit]').click();
    await page.waitForURL(/\/admin(\/)?$/, { timeout: 30_000 });

    // A fresh session: the login form.
    await session.context.clearCookies();
    await page.evaluate(() => {
      localStorage.clear();
      sessionStorage.clear();
    });
    await session.login();
    admin = await session.api();
  });

  it('opens Settings → Customerly from the settings menu', async () => {
    await page.goto(`${session.server.baseUrl}/admin/settings`);
    await page.locator('a[href$="/settings/customerly"]').click();
    await page.waitForURL(/\/admin\/settings\/customerly/);
    await page.getByRole('heading', { name: 'Customerly', level: 1 }).waitFor();
    await page.getByText('Connect Customerly in three steps').waitFor();
    assert.match((await page.getByTestId('access-key').getAttribute('placeholder')) ?? '', /No access key yet/);
  });

  it('generates a key and copies the webhook URLs', async () => {
    await page.getByRole('button', { name: 'Generate key' }).click();
    await notification('New access key saved');
    copiedAddUrl = await copyUrl('add');
    assert.match(
      copiedAddUrl,
      /^http:\/\/127\.0\.0\.1:\d+\/api\/customerly\/webhook\?action=add&access_key=[A-Za-z0-9_-]{43}$/
    );
    assert.equal(await page.getByTestId('webhook-url-add').inputValue(), copiedAddUrl, 'the page shows the same URL');
    copiedTagsUrl = await copyUrl('update_tags');
    assert.equal(copiedTagsUrl, copiedAddUrl.replace('action=add', 'action=update_tags'));
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
    // The README's screenshot: the page without the menus, all of it, at a width a README shows unscaled.
    await session.shot('settings.png', { element: page.locator('main'), width: 1200, fullPage: true, docs: true });
  });

  it('the email preview renders what would be sent: the built-in template for empty fields, the server host as site name', async () => {
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('email-preview');
    await preview.waitFor();
    const host = new URL(session.server.baseUrl).host;
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
    const json = await callCopied(
      copiedAddUrl,
      userWebhook({ email: GRACE, crmhero_user_id: 4242, name: 'Grace Hopper', tags: ['vip', 'beta'] })
    );
    assert.equal(json.user.created, true);
    assert.equal(json.passwordReturn, 'written', JSON.stringify(json));
    assert.ok(fake.getUser(GRACE)?.attributes.strapi_password, 'the password went back to Customerly');

    await page.goto(`${session.server.baseUrl}/admin/content-manager/collection-types/plugin::users-permissions.user`);
    await page.getByText(GRACE).first().click();
    await page.waitForURL(/plugin::users-permissions\.user\/[a-z0-9]+/);
    await page.getByText('vip', { exact: true }).first().waitFor();
    await page.getByText('beta', { exact: true }).first().waitFor();
  });

  it('the delivery is in the log; its detail opens on the summary; replay records a new attempt', async () => {
    await page.goto(`${session.server.baseUrl}/admin`);
    await page.locator('nav a[href$="/plugins/customerly"]').first().click();
    await page.waitForURL(/\/admin\/plugins\/customerly/);
    const row = deliveryRow(GRACE);
    await row.waitFor();
    assert.match(await row.innerText(), /add/);
    await row.locator('[data-status=done]').waitFor();

    await row.getByRole('button', { name: 'Details' }).click();
    const detail = page.getByTestId('delivery-detail');
    await detail.waitFor();
    const summary = detail.getByTestId('delivery-summary');
    assert.match(await summary.getByTestId('summary-user').innerText(), /grace\.hopper@example\.test/);
    assert.match(await summary.getByTestId('summary-user').innerText(), /created by this delivery/);
    assert.match(await summary.getByTestId('summary-tags-added').innerText(), /vip, beta|beta, vip/);
    assert.match(await summary.getByTestId('summary-password-return').innerText(), /written/);
    assert.equal(await detail.getByTestId('delivery-warnings').count(), 0, 'no warning');
    assert.match(await detail.innerText(), /attempts \(1\)/i);
    assert.ok(!(await page.content()).includes(copiedAddUrl.split('access_key=')[1]!), 'no key in the detail');

    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    await notification(/Replayed: HTTP 200/);
    await detail.getByText(/attempts \(2\)/i).waitFor();
    assert.equal(await attemptsOf(GRACE, 'add'), 2);
    await page.keyboard.press('Escape');
  });

  it('once a newer delivery of the contact is done, a replay asks first; "Replay anyway" replays the older one', async () => {
    const json = await callCopied(copiedTagsUrl, userWebhook({ email: GRACE, crmhero_user_id: 4242, tags: ['vip'] }));
    assert.deepEqual(json.tags.removed, ['beta']);

    await page.goto(`${logUrl()}?email=${encodeURIComponent(GRACE)}&action=add`);
    await deliveryRow(GRACE, 'add').getByRole('button', { name: 'Details' }).click();
    const detail = page.getByTestId('delivery-detail');
    await detail.waitFor();
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const dialog = page.getByTestId('stale-replay');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /1 newer delivery of this contact has finished since this one/);
    assert.equal(await attemptsOf(GRACE, 'add'), 2, 'nothing replayed while the question is open');

    await dialog.getByRole('button', { name: 'Replay anyway' }).click();
    await notification(/Replayed: HTTP 200/);
    await dialog.waitFor({ state: 'detached' });
    await detail.getByText(/attempts \(3\)/i).waitFor();
    assert.equal(await attemptsOf(GRACE, 'add'), 3, 'the older delivery was replayed');
    assert.equal(await attemptsOf(GRACE, 'update_tags'), 1, 'the newer one was not');
    await page.keyboard.press('Escape');
  });

  it('a delivery whose password could not go back to Customerly is "done with warnings", and says why', async () => {
    fake.fault({ kind: 'status', status: 500, path: '/users', method: 'POST' });
    try {
      const json = await callCopied(
        copiedAddUrl,
        userWebhook({ email: WARNED, crmhero_user_id: 4343, tags: ['beta'] })
      );
      assert.equal(json.passwordReturn, 'failed');
    } finally {
      fake.clearFaults();
    }
    await page.goto(logUrl());
    const badge = deliveryRow(WARNED).locator('[data-status=done]');
    await badge.waitFor();
    assert.equal((await badge.innerText()).toLowerCase(), 'done with warnings');
    assert.equal((await deliveryRow(GRACE, 'add').locator('[data-status=done]').innerText()).toLowerCase(), 'done');
    await session.shot('deliveries.png', { element: page.locator('main'), width: 1280, docs: true });

    await deliveryRow(WARNED).getByRole('button', { name: 'Details' }).click();
    const detail = page.getByTestId('delivery-detail');
    await detail.waitFor();
    assert.match(
      await detail.getByTestId('delivery-warnings').innerText(),
      /the password could not be returned to Customerly/
    );
    assert.match(await detail.getByTestId('summary-password-return').innerText(), /failed/);
    await page.waitForTimeout(500); // the modal's opening animation
    await session.shot('delivery-detail.png', { element: page.getByRole('dialog'), docs: true });
    await page.keyboard.press('Escape');
  });

  it('filters the log', async () => {
    await page.getByLabel('Email contains').fill('nobody-here');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByText('No delivery matches these filters').waitFor();
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await page.locator('[data-testid=delivery-row]').first().waitFor();
  });

  it('the filters and the page are in the URL: a link opens the filtered log, Back returns to the previous filters', async () => {
    await page.getByLabel('Email contains').fill('grace');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('email') === 'grace');
    // The filtered list replaces the whole one (Grace's row is in both: wait for the other contact's row to go).
    await deliveryRow(WARNED).waitFor({ state: 'detached' });
    await deliveryRow(GRACE, 'add').waitFor();

    // A link to a filtered log, opened fresh.
    await page.goto(`${logUrl()}?email=nobody-here`);
    await page.getByText('No delivery matches these filters').waitFor();
    assert.equal(await page.getByLabel('Email contains').inputValue(), 'nobody-here');
    await page.goto(`${logUrl()}?status=done&action=update_tags`);
    await deliveryRow(GRACE, 'update_tags').waitFor();
    assert.equal(await deliveryRow(GRACE, 'add').count(), 0);

    // Back: the previous filters, in the form and in the table.
    await page.goBack();
    await page.getByText('No delivery matches these filters').waitFor();
    assert.equal(await page.getByLabel('Email contains').inputValue(), 'nobody-here');
  });

  it('after a replay the list shows the new attempt without a reload', async () => {
    // The contact's latest delivery: no newer one, so no question.
    await page.goto(`${logUrl()}?email=grace&action=update_tags`);
    const row = deliveryRow(GRACE, 'update_tags');
    const attempts = row.getByTestId('delivery-attempts');
    const before = Number(await attempts.innerText());
    await row.getByRole('button', { name: 'Details' }).click();
    await page.getByTestId('delivery-detail').waitFor();
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    await notification(/Replayed: HTTP 200/);
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      ([n]) =>
        document.querySelector('[data-testid=delivery-row] [data-testid=delivery-attempts]')?.textContent === String(n),
      [before + 1]
    );
  });

  it('settings survive a restart', async () => {
    await session.server.restart();
    admin = await session.api();
    const res = await admin.call('GET', '/customerly/settings');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.data.settings.returnPassword, { enabled: true, attribute: 'strapi_password' });
    assert.deepEqual([...res.json.data.settings.allowedRoles].sort(), ['authenticated', 'public']);
    assert.equal(res.json.data.secrets.apiToken.set, true);
    const test = await fetch(copiedAddUrl.replace('action=add', 'action=test'), { method: 'POST' });
    assert.equal(test.status, 200, 'the saved key still works');
  });

  it('an admin role without the plugin permissions cannot open the page, and the API refuses its writes', async () => {
    const baseUrl = session.server.baseUrl;
    // As the super admin, through the admin API: a role with no permission, and a user in it.
    const role = await admin.call('POST', '/admin/roles', {
      name: 'No Customerly',
      description: 'no plugin permissions',
    });
    assert.equal(role.status, 201, JSON.stringify(role.json));
    const email = 'editor@example.test';
    const password = await inviteAdmin(admin, baseUrl, {
      firstname: 'Ed',
      lastname: 'Itor',
      email,
      roleId: role.json.data.id,
    });

    const p = await openPage(session.browser);
    try {
      const refused = async (url: string) => {
        await p.goto(url);
        await p
          .getByText(/don.t have the permissions/i)
          .first()
          .waitFor();
      };
      await signIn(p, baseUrl, { email, password });
      await refused(settingsUrl());
      assert.equal(await p.getByTestId('access-key').count(), 0);
      await refused(logUrl());
      assert.equal(await p.getByTestId('delivery-row').count(), 0);
      await session.shot('no-permission.png', { page: p });
    } finally {
      await p.context().close();
    }

    const editor = await login(baseUrl, email, password);
    assert.equal((await editor.call('PUT', '/customerly/settings', { processing: 'sync' })).status, 403);
    assert.equal((await editor.call('POST', '/customerly/settings/access-key')).status, 403);
    assert.equal((await editor.call('POST', '/customerly/settings/reveal', { field: 'webhookKey' })).status, 403);
    assert.equal((await editor.call('GET', '/customerly/settings')).status, 403);
  });
});
