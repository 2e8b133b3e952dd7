/**
 * Customerly → Deliveries in a real browser (issue 10, "Deliveries"): the empty states, the test action in the log,
 * "done with warnings", the detail's summary before its raw JSON (collapsed, no process id), the filters (no match
 * with Reset, an end date before the start date refused on the form), and a stale replay's question.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startFakeCustomerly, userWebhook, type FakeCustomerly } from '../fake-customerly';
import type { AnswerJson } from '../helpers/strapi';
import type { AdminSession } from './admin-api';
import { browserSuite, startAdminSession, type AdminBrowserSession } from './harness';

const KEY = randomBytes(32).toString('base64url');
const CONTACT = 'ada.warned@example.test';

browserSuite('the delivery log in Chromium', () => {
  let session: AdminBrowserSession;
  let fake: FakeCustomerly;
  let page: Page;
  let admin: AdminSession;
  /** The event ids of the contact's deliveries, oldest first. */
  const events: string[] = [];

  before(async () => {
    fake = await startFakeCustomerly();
    session = await startAdminSession({
      env: {
        CUSTOMERLY_API_URL: fake.url,
        CUSTOMERLY_API_TOKEN: fake.token,
        CUSTOMERLY_WEBHOOK_KEY: KEY,
        PLAYGROUND_CUSTOMERLY_CONFIG: JSON.stringify({ returnPassword: { enabled: true, attribute: 'wp_password' } }),
      },
      admin: { email: 'log.owner@example.test', firstname: 'Log', lastname: 'Owner' },
    });
    page = session.page;
    admin = await session.api();
  });

  after(async () => {
    await session?.close();
    await fake?.close();
  });

  const logUrl = () => `${session.server.baseUrl}/admin/plugins/customerly`;
  const webhook = async (action: string, body?: unknown): Promise<AnswerJson> => {
    const res = await fetch(`${session.server.baseUrl}/api/customerly/webhook?action=${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-customerly-access-key': KEY },
      body: JSON.stringify(body ?? {}),
    });
    const json = (await res.json()) as AnswerJson;
    assert.equal(res.status, 200, JSON.stringify(json));
    return json;
  };
  const row = (email: string) => page.locator(`[data-testid=delivery-row][data-email="${email}"]`);
  const openDetails = async (email: string) => {
    await row(email).first().getByRole('button', { name: 'Details' }).click();
    await page.getByTestId('delivery-detail').waitFor();
  };

  it('an empty log says so, and what to do', async () => {
    await page.goto(logUrl());
    await page.getByText('No delivery yet').waitFor();
    await page.getByText(/Copy the test URL from Settings → Customerly/).waitFor();
    const link = page.getByRole('link', { name: 'Open Settings → Customerly' });
    assert.match((await link.getAttribute('href')) ?? '', /\/admin\/settings\/customerly$/);
    await session.shot('deliveries-empty.png', { fullPage: true });
  });

  it('the test action shows up in the log', async () => {
    assert.deepEqual(await webhook('test'), { ok: true });
    await page.getByRole('button', { name: 'Refresh' }).click();
    const test = page.locator('[data-testid=delivery-row][data-action=test]');
    await test.waitFor();
    await test.locator('[data-status=done]').waitFor();
    await test.getByRole('button', { name: 'Details' }).click();
    await page.getByText('A test call: the access key is right. Nothing was changed.').waitFor();
    await page.keyboard.press('Escape');
  });

  it('a delivery whose password could not be returned is "done with warnings"', async () => {
    fake.fault({ kind: 'status', status: 500, path: '/users', method: 'POST' });
    try {
      const json = await webhook('add', userWebhook({ email: CONTACT, crmhero_user_id: 5151, tags: ['vip', 'beta'] }));
      assert.equal(json.passwordReturn, 'failed');
      events.push(json.eventId);
    } finally {
      fake.clearFaults();
    }
    await page.getByRole('button', { name: 'Refresh' }).click();
    const badge = row(CONTACT).locator('[data-status=done]');
    await badge.waitFor();
    assert.equal((await badge.innerText()).toLowerCase(), 'done with warnings');
    assert.equal(await badge.getAttribute('data-warnings'), '1');
    await session.shot('deliveries-warnings.png', { fullPage: true });
  });

  it('the detail shows the warnings, then the summary, then the raw JSON collapsed; no process id', async () => {
    await openDetails(CONTACT);
    const detail = page.getByTestId('delivery-detail');
    const warnings = detail.getByTestId('delivery-warnings');
    assert.match(await warnings.innerText(), /the password could not be returned to Customerly/);

    const summary = detail.getByTestId('delivery-summary');
    const user = await admin.call('GET', `/customerly/deliveries?email=${encodeURIComponent(CONTACT)}`);
    const detailJson = await admin.call('GET', `/customerly/deliveries/${user.json.data[0].documentId}`);
    const userLink = summary.getByTestId('summary-user').getByRole('link', { name: CONTACT });
    assert.match(
      (await userLink.getAttribute('href')) ?? '',
      new RegExp(
        `/content-manager/collection-types/plugin::users-permissions\\.user/${detailJson.json.data.user.documentId}$`
      )
    );
    assert.match(await summary.getByTestId('summary-user').innerText(), /created by this delivery/);
    assert.match(await summary.getByTestId('summary-role').innerText(), /Authenticated/);
    assert.match(await summary.getByTestId('summary-tags-added').innerText(), /vip, beta|beta, vip/);
    assert.match(await summary.getByTestId('summary-password-return').innerText(), /failed/);

    // Order on the page: warnings, summary, raw data.
    const top = async (testId: string) => (await detail.getByTestId(testId).boundingBox())!.y;
    assert.ok((await top('delivery-warnings')) < (await top('delivery-summary')));
    assert.ok((await top('delivery-summary')) < (await top('delivery-raw')));

    // The raw JSON is collapsed until asked for.
    const raw = detail.getByTestId('delivery-raw');
    const trigger = raw.getByRole('button', { name: /Raw data \(JSON\)/ });
    assert.equal(await trigger.getAttribute('aria-expanded'), 'false');
    assert.equal(await raw.getByText('"passwordReturn": "failed"').count(), 0);
    assert.ok(!(await page.content()).includes(`${hostname()}:`), 'no process id in the page');
    await session.shot('delivery-detail-summary.png');
    await trigger.click();
    await raw
      .getByText(/"passwordReturn": "failed"/)
      .first()
      .waitFor();
    assert.ok(!(await page.content()).includes(`${hostname()}:`), 'no process id in the raw data either');
    assert.ok(!(await page.content()).includes(KEY), 'no key');
    await page.keyboard.press('Escape');
  });

  it('filters that match nothing show "No delivery matches these filters", and Reset clears them', async () => {
    await page.getByLabel('Email contains').fill('nobody-here');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByText('No delivery matches these filters').waitFor();
    assert.equal(await page.getByText('No delivery yet').count(), 0);
    await session.shot('deliveries-no-match.png', { fullPage: true });
    await page.getByRole('button', { name: 'Reset filters' }).click();
    await row(CONTACT).first().waitFor();
    assert.equal(await page.getByLabel('Email contains').inputValue(), '');
    assert.equal(new URL(page.url()).search, '');
  });

  it('outbound deliveries: the Direction column and filter, and a detail saying what was sent', async () => {
    const on = await admin.call('PUT', '/customerly/settings', {
      outbound: { enabled: true, onCreate: true, onUpdate: true, onTags: true, onDelete: false, userId: 'id' },
    });
    assert.equal(on.status, 200, JSON.stringify(on.json));
    const email = 'grace.registered@example.test';
    const reg = await fetch(`${session.server.baseUrl}/api/auth/local/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'grace-registered', email, password: 'Passw0rd!x' }),
    });
    assert.equal(reg.status, 200, await reg.text());
    // Sent in the background: wait until Customerly has it.
    for (let i = 0; i < 100 && !fake.getUser(email); i++) await new Promise((r) => setTimeout(r, 200));
    assert.ok(fake.getUser(email), 'the registration reached Customerly');

    await page.goto(logUrl());
    await row(email).first().waitFor();
    assert.equal(await row(email).first().getAttribute('data-direction'), 'outbound');
    assert.match(await row(email).first().innerText(), /To Customerly/);
    assert.match(await row(CONTACT).first().innerText(), /From Customerly/);

    await page.getByRole('combobox', { name: 'Direction' }).click();
    await page.getByRole('option', { name: 'To Customerly', exact: true }).click();
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('direction') === 'outbound');
    await row(CONTACT).first().waitFor({ state: 'detached' });
    const outboundRows = page.locator('[data-testid=delivery-row]');
    const directions = await outboundRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-direction')));
    assert.ok(directions.length > 0 && directions.every((d) => d === 'outbound'), directions.join(', '));

    await openDetails(email);
    const detail = page.getByTestId('delivery-detail');
    assert.match(await detail.getByTestId('summary-direction').innerText(), /To Customerly/);
    const sent = await detail.getByTestId('summary-outbound-sent').innerText();
    assert.match(sent, /email/);
    assert.match(sent, /user_id/);
    assert.match(sent, /in one request with 1 user/);
    assert.doesNotMatch(await detail.innerText(), /Passw0rd/, 'no password anywhere in the detail');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
  });

  it('an end date before the start date is refused on the form, and nothing is fetched', async () => {
    const fetched: string[] = [];
    const onRequest = (r: { url(): string }) => {
      if (r.url().includes('/customerly/deliveries?')) fetched.push(r.url());
    };
    page.on('request', onRequest);
    try {
      await page.getByLabel('From (date)').fill('2025-02-01');
      await page.getByLabel('To (date)').fill('2025-01-01');
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      await page.getByText('The end date is before the start date: pick a later one.').waitFor();
      await page.waitForTimeout(300);
      assert.deepEqual(fetched, []);
      assert.equal(new URL(page.url()).searchParams.get('from'), null);
      await session.shot('deliveries-dates-refused.png', { fullPage: true });
    } finally {
      page.off('request', onRequest);
    }
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
  });

  it('replaying a delivery with newer finished ones asks first, and can replay the latest instead', async () => {
    events.push((await webhook('update_tags', userWebhook({ email: CONTACT, tags: ['gamma'] }))).eventId);
    events.push((await webhook('update_tags', userWebhook({ email: CONTACT, tags: ['delta'] }))).eventId);
    await page.goto(`${logUrl()}?email=${encodeURIComponent(CONTACT)}&action=add`);
    await openDetails(CONTACT);
    const title = page.getByRole('heading', { name: `Delivery ${events[0]}` });
    await title.waitFor();

    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const dialog = page.getByTestId('stale-replay');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /2 newer deliveries of this contact have finished since this one/);
    await page.waitForTimeout(500); // the dialog's opening animation
    await session.shot('delivery-stale-replay.png');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    const first = await admin.call('GET', `/customerly/deliveries?email=${encodeURIComponent(CONTACT)}&action=add`);
    assert.equal(first.json.data[0].attempts, 1, 'cancel replays nothing');

    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Replay the latest delivery of this contact' }).click();
    await page
      .getByText(/Replayed: HTTP 200/)
      .first()
      .waitFor();
    // The modal now shows the latest delivery, replayed once more.
    await page.getByRole('heading', { name: `Delivery ${events[2]}` }).waitFor();
    await page.getByTestId('delivery-attempts').getByText('Attempt 2').waitFor();
    const list = await admin.call('GET', `/customerly/deliveries?email=${encodeURIComponent(CONTACT)}`);
    const byEvent = new Map(list.json.data.map((d: { eventId: string; attempts: number }) => [d.eventId, d.attempts]));
    assert.deepEqual(
      events.map((e) => byEvent.get(e)),
      [1, 1, 2],
      'only the latest was replayed'
    );
  });
});
