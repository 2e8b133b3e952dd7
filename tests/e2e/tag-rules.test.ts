/**
 * Settings → Customerly → Tag rules in a real browser (issue 11): rules added with the tag picked or typed and the
 * role from the allowlist, reordered with the arrow buttons and kept in that order across a reload; bad rules (a
 * tag with two rules, a role taken off the allowlist) refused by the server with its message on the row; and
 * "Apply rules to existing users": the preview, the job's progress to done, the users' roles changed, and a second
 * run with nothing left to change.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { startFakeCustomerly, userWebhook, type FakeCustomerly } from '../fake-customerly';
import type { AnswerJson } from '../helpers/strapi';
import type { AdminSession } from './admin-api';
import { browserSuite, startAdminSession, type AdminBrowserSession } from './harness';

const KEY = randomBytes(32).toString('base64url');
const USER_UID = 'plugin::users-permissions.user';

/** The contacts sent before any rule exists (so they all start with the default role), and their tags. */
const CONTACTS = [
  { email: 'ada.both@example.test', crmhero_user_id: 7101, tags: ['VIP', 'Pro'] },
  { email: 'bob.pro@example.test', crmhero_user_id: 7102, tags: ['Pro'] },
  { email: 'cyd.none@example.test', crmhero_user_id: 7103, tags: ['Newsletter'] },
] as const;

browserSuite('Settings → Customerly: tag rules in Chromium', () => {
  let session: AdminBrowserSession;
  let fake: FakeCustomerly;
  let page: Page;
  let admin: AdminSession;
  /** email → the user's documentId. */
  const users = new Map<string, string>();

  const settingsUrl = () => `${session.server.baseUrl}/admin/settings/customerly`;
  const section = () => page.locator('#customerly-tag-rules');
  const row = (i: number) => page.getByTestId(`tag-rule-${i}`);
  const tagInput = (i: number) => row(i).getByRole('combobox', { name: 'Customerly tag' });
  const roleSelect = (i: number) => row(i).getByRole('combobox', { name: 'Role it gives' });
  const saveButton = () => page.getByRole('button', { name: 'Save', exact: true });
  const applyButton = () => section().getByRole('button', { name: 'Apply rules to existing users' });
  const savedRules = async () => (await admin.call('GET', '/customerly/settings')).json.data.settings.tagRules;

  /** The tag of every row, top to bottom. */
  const shownTags = async () => {
    const n = await page.locator('[data-testid^=tag-rule-]:not([data-testid$=warning])').count();
    const tags: string[] = [];
    for (let i = 0; i < n; i++) tags.push(await tagInput(i).inputValue());
    return tags;
  };

  async function pick(select: Locator, option: string): Promise<void> {
    await select.click();
    await page.getByRole('option', { name: option, exact: true }).click();
  }

  async function openSettings(): Promise<void> {
    await page.goto(settingsUrl());
    await page.getByRole('heading', { name: 'Customerly', level: 1 }).waitFor();
    await section().waitFor();
  }

  /** Save, and wait for the page to take the answer (Save disabled again). */
  async function save(): Promise<void> {
    await saveButton().click();
    await page.getByText('Settings saved').first().waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('button')].some((b) => b.textContent === 'Save' && b.disabled)
    );
  }

  /** Save, expecting the server to refuse: its first field error (path and message). */
  async function saveRefused(): Promise<{ path: string[]; message: string }> {
    const answer = page.waitForResponse(
      (r) => r.url().endsWith('/customerly/settings') && r.request().method() === 'PUT'
    );
    await saveButton().click();
    const res = await answer;
    assert.equal(res.status(), 400);
    const json = (await res.json()) as AnswerJson;
    return json.error.details.errors[0];
  }

  /** Closes the notifications still shown (they would cover the screenshots). */
  async function dismissNotifications(): Promise<void> {
    const close = page.getByRole('button', { name: 'Close', exact: true });
    // A toast may be leaving on its own while it is clicked: try a few times, then check that none is left.
    for (let tries = 0; tries < 10 && (await close.count()) > 0; tries++) {
      await close
        .first()
        .click({ timeout: 2_000 })
        .catch(() => undefined);
    }
    await close.first().waitFor({ state: 'detached', timeout: 10_000 });
  }

  /** The users-permissions role of a user, by name (through the Content Manager's relation route). */
  async function roleOf(email: string): Promise<string> {
    const documentId = users.get(email);
    assert.ok(documentId, email);
    const r = await admin.call('GET', `/content-manager/relations/${USER_UID}/${documentId}/role`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.results[0]?.name;
  }

  before(async () => {
    fake = await startFakeCustomerly();
    session = await startAdminSession({
      env: { CUSTOMERLY_API_URL: fake.url, CUSTOMERLY_API_TOKEN: fake.token, CUSTOMERLY_WEBHOOK_KEY: KEY },
      admin: { email: 'rules.owner@example.test', firstname: 'Rules', lastname: 'Owner' },
    });
    page = session.page;
    admin = await session.api();
    for (const name of ['Pro', 'VIP']) {
      const r = await admin.call('POST', '/users-permissions/roles', {
        name,
        description: `${name} members`,
        permissions: {},
      });
      assert.equal(r.status, 200, JSON.stringify(r.json));
    }
    const allow = await admin.call('PUT', '/customerly/settings', { allowedRoles: ['authenticated', 'pro', 'vip'] });
    assert.equal(allow.status, 200, JSON.stringify(allow.json));
    for (const contact of CONTACTS) {
      const res = await fetch(`${session.server.baseUrl}/api/customerly/webhook?action=add`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-customerly-access-key': KEY },
        body: JSON.stringify(userWebhook({ ...contact, tags: [...contact.tags] })),
      });
      const json = (await res.json()) as AnswerJson;
      assert.equal(res.status, 200, JSON.stringify(json));
      users.set(contact.email, json.user.documentId);
    }
    for (const { email } of CONTACTS) assert.equal(await roleOf(email), 'Authenticated', 'no rule yet');
  });

  after(async () => {
    await session?.close();
    await fake?.close();
  });

  it('without rules the section says so, and Apply waits for a saved rule', async () => {
    await openSettings();
    await section().getByText('No rule: tags do not change roles.').waitFor();
    assert.equal(await applyButton().isDisabled(), true);
    await section().getByText('Add a rule and save it first.').waitFor();
  });

  it('adds two rules (tag picked, tag typed; role from the allowlist), reorders them, saves, and keeps the order', async () => {
    await section().getByRole('button', { name: 'Add a rule' }).click();
    await tagInput(0).click();
    await tagInput(0).pressSequentially('Pr');
    // The known tags are offered, filtered by what is typed.
    await page.getByRole('option', { name: 'Pro', exact: true }).click();
    assert.equal(await tagInput(0).inputValue(), 'Pro');
    // Roles come from the allowlist only.
    await roleSelect(0).click();
    const offered = await page.getByRole('option').allInnerTexts();
    assert.deepEqual(
      offered.map((o) => o.trim()),
      ['Authenticated', 'Pro', 'VIP']
    );
    await page.getByRole('option', { name: 'Pro', exact: true }).click();

    await section().getByRole('button', { name: 'Add a rule' }).click();
    await tagInput(1).fill('VIP');
    await pick(roleSelect(1), 'VIP');
    assert.deepEqual(await shownTags(), ['Pro', 'VIP']);

    // Unsaved: Apply waits for the save.
    assert.equal(await applyButton().isDisabled(), true);
    await section().getByText('Save your changes first: the rules applied are the saved ones.').waitFor();

    assert.equal(await row(0).getByRole('button', { name: 'Move rule 1 up' }).isDisabled(), true);
    assert.equal(await row(1).getByRole('button', { name: 'Move rule 2 down' }).isDisabled(), true);
    await row(1).getByRole('button', { name: 'Move rule 2 up' }).click();
    assert.deepEqual(await shownTags(), ['VIP', 'Pro']);
    assert.equal((await roleSelect(0).innerText()).trim(), 'VIP');
    assert.equal((await roleSelect(1).innerText()).trim(), 'Pro');
    // The focus follows the moved rule (now first: its "up" is disabled, so "down").
    assert.equal(
      await page.evaluate(() =>
        document.activeElement?.closest('[data-testid^=tag-rule-]')?.getAttribute('data-testid')
      ),
      'tag-rule-0'
    );
    await section().getByText('The rule for "VIP" is now rule 1.').waitFor();

    // Down and up again with the other arrow.
    await row(0).getByRole('button', { name: 'Move rule 1 down' }).click();
    assert.deepEqual(await shownTags(), ['Pro', 'VIP']);
    await row(0).getByRole('button', { name: 'Move rule 1 down' }).click();
    assert.deepEqual(await shownTags(), ['VIP', 'Pro']);
    await session.shot('tag-rules-edit.png', { fullPage: true });

    await save();
    assert.deepEqual(await savedRules(), [
      { tag: 'VIP', role: 'vip' },
      { tag: 'Pro', role: 'pro' },
    ]);
    await page.reload();
    await section().waitFor();
    assert.deepEqual(await shownTags(), ['VIP', 'Pro'], 'the order is kept');
    assert.equal((await roleSelect(0).innerText()).trim(), 'VIP');
    assert.equal(await applyButton().isEnabled(), true, 'saved: Apply is offered');
  });

  it('a second rule for a tag is flagged on the row, and refused by the server with its message there', async () => {
    await section().getByRole('button', { name: 'Add a rule' }).click();
    await tagInput(2).fill('vip');
    await pick(roleSelect(2), 'Pro');
    // The panel's own check, at once.
    await row(2).getByText('The tag "vip" already has a rule (rule 1), which wins: remove one of them.').waitFor();

    const error = await saveRefused();
    assert.deepEqual(error.path, ['tagRules', '2', 'tag']);
    assert.match(error.message, /already has a rule/);
    await row(2).getByText(error.message, { exact: true }).waitFor();
    await page
      .getByText(/The settings were not saved/)
      .first()
      .waitFor();
    await session.shot('tag-rules-error.png', { fullPage: true });
    assert.equal((await savedRules()).length, 2, 'nothing saved');

    await row(2).getByRole('button', { name: 'Remove rule 3' }).click();
    await row(2).waitFor({ state: 'detached' });
    assert.equal(await saveButton().isDisabled(), true, 'back to what is saved');
  });

  it('a rule whose role leaves the allowlist is flagged and refused; ticking the role back clears it', async () => {
    const allowlist = page.getByTestId('allowed-roles');
    await allowlist.getByRole('checkbox', { name: 'VIP' }).click();
    await row(0)
      .getByText(/^"vip" is not one of the roles a webhook may assign/)
      .waitFor();

    const error = await saveRefused();
    assert.deepEqual(error.path, ['tagRules', '0', 'role']);
    await row(0).getByText(error.message, { exact: true }).waitFor();
    assert.deepEqual((await admin.call('GET', '/customerly/settings')).json.data.settings.allowedRoles, [
      'authenticated',
      'pro',
      'vip',
    ]);

    await allowlist.getByRole('checkbox', { name: 'VIP' }).click();
    // Both the panel's message and the server's (about the allowlist as it was) go.
    await row(0)
      .getByText(/not one of the roles/)
      .waitFor({ state: 'detached' });
    await row(0).getByText(error.message, { exact: true }).waitFor({ state: 'detached' });
    assert.equal(await saveButton().isDisabled(), true);
  });

  it('"Apply rules to existing users" previews, runs with progress to done, and changes the roles', async () => {
    await dismissNotifications();
    await applyButton().click();
    const dialog = page.getByTestId('apply-tag-rules');
    const preview = dialog.getByTestId('apply-tag-rules-preview');
    await preview.waitFor();
    const text = await preview.innerText();
    assert.match(text, /2 users would change role: /);
    assert.match(text, /1 → VIP/);
    assert.match(text, /1 → Pro/);
    assert.match(text, /Users checked: 3\./);
    await session.shot('tag-rules-preview.png');
    for (const { email } of CONTACTS) assert.equal(await roleOf(email), 'Authenticated', 'a preview changes nothing');

    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    const job = dialog.getByTestId('apply-tag-rules-job');
    await job.waitFor();
    await dialog.getByRole('progressbar').waitFor();
    await dialog.locator('[data-testid=apply-tag-rules-job][data-status=done]').waitFor({ timeout: 60_000 });
    assert.equal(await dialog.getByRole('progressbar').getAttribute('aria-valuenow'), '100');
    await dialog.getByText('Done.', { exact: true }).waitFor();
    assert.match(await dialog.getByTestId('apply-tag-rules-counts').innerText(), /^Changed: 2 · /);
    await session.shot('tag-rules-done.png');

    assert.equal(await roleOf('ada.both@example.test'), 'VIP', 'the first rule (VIP) wins over Pro');
    assert.equal(await roleOf('bob.pro@example.test'), 'Pro');
    assert.equal(await roleOf('cyd.none@example.test'), 'Authenticated', 'no rule: unchanged');

    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('applying again finds nothing to change', async () => {
    await applyButton().click();
    const dialog = page.getByTestId('apply-tag-rules');
    await dialog.getByText('No user would change role: they all have the role the rules give.').waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Apply', exact: true }).isDisabled(), true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('in Italian, the section is Italian', async () => {
    await page.evaluate(() => localStorage.setItem('strapi-admin-language', 'it'));
    await page.reload();
    await section().getByText('Regole dei tag').first().waitFor();
    await section().getByRole('button', { name: 'Applica le regole agli utenti esistenti' }).waitFor();
    await row(0).getByRole('button', { name: 'Sposta in giù la regola 1' }).waitFor();
    await session.shot('tag-rules-it.png', { fullPage: true });
    await page.evaluate(() => localStorage.setItem('strapi-admin-language', 'en'));
  });
});
