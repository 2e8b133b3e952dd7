/**
 * Settings → Customerly follows Strapi's form conventions, in a real browser (Debian's Chromium through
 * playwright-core) against the playground's built admin: Save only when something changed, a prompt before leaving
 * with unsaved changes, the mapping type pre-filled from the target and bad rows refused by the server on the row,
 * the token's pending removal shown, Cancel in the dialogs, translated toggle labels, the scheduled import's cron
 * checked as it is typed.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { AnswerJson } from '../helpers/strapi';
import type { AdminSession } from './admin-api';
import { browserSuite, startAdminSession, type AdminBrowserSession } from './harness';

const SAVED_TOKEN = 'saved-token-0123456789';

browserSuite('Settings → Customerly form conventions in Chromium', () => {
  let session: AdminBrowserSession;
  let page: Page;
  let admin: AdminSession;

  const settingsUrl = () => `${session.server.baseUrl}/admin/settings/customerly`;
  const saveButton = () => page.getByRole('button', { name: 'Save', exact: true });
  const notification = (text: RegExp | string) => page.getByText(text).first().waitFor();
  const savedSettings = async () => (await admin.call('GET', '/customerly/settings')).json.data;

  /** A new tab, logged in (the admin's session lives in the tab), on the settings page. */
  async function openSettings(): Promise<void> {
    page = await session.newPage();
    await page.goto(settingsUrl());
    const heading = page.getByRole('heading', { name: 'Customerly', level: 1 });
    const email = page.locator('input[name=email]');
    await heading.or(email).first().waitFor({ timeout: 30_000 });
    if (await email.isVisible()) {
      await session.login(page);
      await page.goto(settingsUrl());
    }
    await heading.waitFor();
  }

  /** Picks an option of one of the design system's selects. */
  async function pick(select: Locator, option: string): Promise<void> {
    await select.click();
    await page.getByRole('option', { name: option, exact: true }).click();
  }

  const row = (i: number) => page.getByTestId(`mapping-row-${i}`);
  const targetSelect = (i: number) => row(i).getByRole('combobox', { name: 'User attribute' });
  const typeSelect = (i: number) => row(i).getByRole('combobox', { name: 'Type' });

  before(async () => {
    session = await startAdminSession({
      admin: { email: 'settings.owner@example.test', firstname: 'Grace', lastname: 'Hopper' },
    });
    admin = await session.api();
    // A saved API token (to remove) and a saved mapping row.
    const saved = await admin.call('PUT', '/customerly/settings', {
      apiToken: SAVED_TOKEN,
      fieldMapping: [{ from: 'name', to: 'firstName', type: 'string' }],
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.json));
    await openSettings();
  });

  after(async () => session?.close());

  it('Save is disabled at load, enabled by a change, disabled when the change is undone and after a save', async () => {
    assert.equal(await saveButton().isDisabled(), true, 'nothing changed yet');
    const toggle = page.getByTestId('return-password-toggle');
    await toggle.click();
    assert.equal(await saveButton().isEnabled(), true);
    await toggle.click();
    assert.equal(await saveButton().isDisabled(), true, 'back to what was loaded: nothing to save');

    await toggle.click();
    await page.getByLabel('Customerly attribute').fill('strapi_password');
    assert.equal(await saveButton().isEnabled(), true);
    await saveButton().click();
    await notification('Settings saved');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('button')].some((b) => b.textContent === 'Save' && b.disabled)
    );
    assert.equal(await saveButton().isDisabled(), true, 'saved: nothing left to save');
    assert.deepEqual((await savedSettings()).settings.returnPassword, { enabled: true, attribute: 'strapi_password' });
  });

  it('the toggle labels come from the translations (English here)', async () => {
    const section = page.locator('#customerly-password');
    await section.getByText('On', { exact: true }).waitFor();
    await section.getByText('Off', { exact: true }).waitFor();
  });

  it('picking a target pre-fills the type its attribute takes', async () => {
    await page.getByRole('button', { name: 'Add a row' }).click();
    await row(1).waitFor();
    for (const [target, type, attributeType] of [
      ['seats', 'number', 'integer'],
      ['vip', 'boolean', 'boolean'],
      ['trialEndsAt', 'date', 'datetime'],
      ['profile', 'json', 'json'],
      ['user_login', 'string', 'login'],
      ['plan', 'string', 'string'],
    ]) {
      await pick(targetSelect(1), target);
      assert.equal((await typeSelect(1).innerText()).trim(), type, `${target} pre-fills ${type}`);
      await row(1).getByText(`Attribute type ${attributeType} takes:`).waitFor();
    }
  });

  it('an incompatible row shows the message on the row; Save shows the server message there and saves nothing', async () => {
    await page.getByLabel('Customerly field').nth(1).fill('attributes.vip');
    await pick(typeSelect(1), 'boolean');
    // The panel's own check, at once, with the same table as the server.
    await row(1)
      .getByText('A boolean value cannot be written to "plan" (attribute type: string): use the type string, date.')
      .waitFor();

    const answer = page.waitForResponse(
      (r) => r.url().endsWith('/customerly/settings') && r.request().method() === 'PUT'
    );
    await saveButton().click();
    const res = await answer;
    assert.equal(res.status(), 400);
    const json = (await res.json()) as AnswerJson;
    assert.deepEqual(json.error.details.errors[0].path, ['fieldMapping', '1', 'type']);
    const serverMessage: string = json.error.details.errors[0].message;
    assert.equal(
      serverMessage,
      'a boolean value cannot be written to "plan" (attribute type: string): use the type string or date'
    );
    await row(1).getByText(serverMessage, { exact: true }).waitFor();
    await notification(/The settings were not saved: .*fieldMapping\[1\]\.type/);
    await session.shot('settings-mapping-error.png', { page, fullPage: true });
    assert.deepEqual(
      (await savedSettings()).settings.fieldMapping.map((r: { to: string }) => r.to),
      ['firstName'],
      'nothing saved'
    );
    assert.equal(await saveButton().isEnabled(), true, 'the edits are still there to fix');
  });

  it('two rows onto one target: the later row says so; fixed rows save', async () => {
    await pick(typeSelect(1), 'string');
    await row(1)
      .getByText(/cannot be written/)
      .waitFor({ state: 'detached' });
    await pick(targetSelect(1), 'firstName');
    await row(1)
      .getByText('"firstName" is already the target of row 1: map one Customerly field per attribute.')
      .waitFor();
    await pick(targetSelect(1), 'plan');
    await row(1)
      .getByText(/already the target/)
      .waitFor({ state: 'detached' });
    await saveButton().click();
    await notification('Settings saved');
    assert.deepEqual((await savedSettings()).settings.fieldMapping, [
      { from: 'name', to: 'firstName', type: 'string', writeEmpty: false },
      { from: 'attributes.vip', to: 'plan', type: 'string', writeEmpty: false },
    ]);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('button')].some((b) => b.textContent === 'Save' && b.disabled)
    );
  });

  it('removing the saved token shows "will be removed on save", with a way back, until saved', async () => {
    const removal = page.getByTestId('token-removal');
    assert.equal(await removal.count(), 0);
    await page.getByRole('button', { name: 'Remove token' }).click();
    await removal.getByText('The token will be removed on save.').waitFor();
    assert.equal(await saveButton().isEnabled(), true);
    await session.shot('settings-token-removal.png', { page });

    await removal.getByRole('button', { name: 'Keep the token' }).click();
    await removal.waitFor({ state: 'detached' });
    assert.equal(await saveButton().isDisabled(), true, 'undone: nothing to save');
    assert.equal((await savedSettings()).secrets.apiToken.set, true);

    await page.getByRole('button', { name: 'Remove token' }).click();
    await removal.waitFor();
    await saveButton().click();
    await notification('Settings saved');
    await removal.waitFor({ state: 'detached' });
    assert.equal((await savedSettings()).secrets.apiToken.set, false, 'removed on save');
    assert.match(
      (await page.getByLabel('API token').getAttribute('placeholder')) ?? '',
      /Paste the Customerly API token/
    );
    assert.equal(await page.getByRole('button', { name: 'Remove token' }).count(), 0);
  });

  it('the rotate-key dialog has Cancel, which changes nothing', async () => {
    await page.getByRole('button', { name: 'Generate key' }).click();
    await notification('New access key saved');
    const keyBefore = (await admin.call('POST', '/customerly/settings/reveal', { field: 'webhookKey' })).json.data
      .value;
    await page.getByRole('button', { name: 'Rotate key' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    const keyAfter = (await admin.call('POST', '/customerly/settings/reveal', { field: 'webhookKey' })).json.data.value;
    assert.equal(keyAfter, keyBefore);
  });

  it('the scheduled import: a bad cron expression is named as typed; a saved schedule shows its next run', async () => {
    const section = page.locator('#customerly-reconcile');
    await section.scrollIntoViewIfNeeded();
    assert.match(await section.getByTestId('reconcile-next').innerText(), /No scheduled import/);
    const cron = section.getByTestId('reconcile-cron');
    await cron.fill('0 25 * * *');
    await section.getByText(/the hour field "25" is not valid/).waitFor();
    await cron.fill('15 4 * * *');
    await section.getByText(/is not valid/).waitFor({ state: 'detached' });
    await section.getByTestId('reconcile-toggle').click();
    await saveButton().click();
    await notification('Settings saved');
    await section.getByText(/^Next run: .*4:15/).waitFor();
    const saved = await savedSettings();
    assert.deepEqual(saved.settings.reconcile, { enabled: true, cron: '15 4 * * *', mode: 'update' });
    assert.ok(saved.meta.reconcileNextRun);
  });

  it('outbound: off by default with its switches greyed; on, with a mapping row sent both ways, saves', async () => {
    const section = page.locator('#customerly-outbound');
    await section.scrollIntoViewIfNeeded();
    const onCreate = section.getByRole('checkbox', { name: /^A new user/ });
    assert.equal(await onCreate.isDisabled(), true, 'the switches wait for outbound to be on');
    await section.getByTestId('outbound-toggle').click();
    assert.equal(await onCreate.isEnabled(), true);
    await section.getByRole('checkbox', { name: /^A deleted user/ }).click();
    await pick(section.getByRole('combobox', { name: 'Customerly user_id' }), "The Strapi user's documentId");
    await pick(row(0).getByRole('combobox', { name: 'Direction' }), 'Both ways');
    await saveButton().click();
    await notification('Settings saved');
    const saved = await savedSettings();
    assert.deepEqual(saved.settings.outbound, {
      enabled: true,
      onCreate: true,
      onUpdate: true,
      onTags: true,
      onDelete: true,
      userId: 'documentId',
    });
    assert.equal(saved.settings.fieldMapping[0].direction, 'both');
  });

  it('leaving with unsaved changes asks first: Cancel stays with the edits, Confirm leaves', async () => {
    await page.getByLabel('Customerly attribute').fill('unsaved_attribute');
    await page.getByRole('link', { name: 'See the delivery log' }).click();
    const prompt = page.getByRole('alertdialog');
    await prompt.getByText('Are you sure you want to leave this page? All your modifications will be lost.').waitFor();
    await session.shot('settings-leave-prompt.png', { page });
    await prompt.getByRole('button', { name: 'Cancel' }).click();
    await prompt.waitFor({ state: 'detached' });
    assert.match(page.url(), /\/admin\/settings\/customerly$/);
    assert.equal(await page.getByLabel('Customerly attribute').inputValue(), 'unsaved_attribute');

    await page.getByRole('link', { name: 'See the delivery log' }).click();
    await prompt.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(/\/admin\/plugins\/customerly/);
    assert.equal((await savedSettings()).settings.returnPassword.attribute, 'strapi_password', 'nothing saved');

    // Without changes, nothing asks.
    await page.goto(settingsUrl());
    await page.getByRole('heading', { name: 'Customerly', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'See the delivery log' }).click();
    await page.waitForURL(/\/admin\/plugins\/customerly/);
  });

  it('closing or reloading the tab with unsaved changes asks the browser to confirm', async () => {
    await page.goto(settingsUrl());
    await page.getByRole('heading', { name: 'Customerly', level: 1 }).waitFor();
    await page.getByLabel('Customerly attribute').fill('unsaved_again');
    const dialogs: string[] = [];
    page.once('dialog', (d) => {
      dialogs.push(d.type());
      void d.dismiss();
    });
    await page.close({ runBeforeUnload: true });
    await page.waitForTimeout(500);
    assert.deepEqual(dialogs, ['beforeunload']);
    assert.equal(page.isClosed(), false, 'dismissing the prompt keeps the page');
    await page.close();
  });

  it('in Italian, the labels of the form are Italian (toggle included)', async () => {
    await openSettings();
    await page.evaluate(() => localStorage.setItem('strapi-admin-language', 'it'));
    await page.reload();
    await page.getByRole('heading', { name: 'Customerly', level: 1 }).waitFor();
    const section = page.locator('#customerly-password');
    await section.getByText('Restituzione della password').first().waitFor();
    await section.getByText('Sì', { exact: true }).waitFor();
    await section.getByText('No', { exact: true }).waitFor();
    assert.equal(await section.getByText('On', { exact: true }).count(), 0);
    await session.shot('settings-it.png', { page, fullPage: true });
    await page.evaluate(() => localStorage.setItem('strapi-admin-language', 'en'));
  });
});
