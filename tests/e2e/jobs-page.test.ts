/**
 * Customerly jobs in a real browser (issue 12, the panel): the empty list; a job already running when the page opens,
 * with its bar moving, then done with its summary and the polling stopped; a running job cancelled through the
 * question; the import form with a dry run ticked, answered by the server (its error or the job it started); an
 * admin who may only read jobs, who sees them but can neither start nor cancel one; and the page in Italian.
 * The jobs are made slow (one user per batch, 300 ms between batches) so that they can be seen running.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { ACTIONS } from '../../shared/contracts/permissions';
import { startFakeCustomerly, userWebhook, type FakeCustomerly } from '../fake-customerly';
import type { AnswerJson } from '../helpers/strapi';
import { inviteAdmin, login, type AdminSession } from './admin-api';
import { browserSuite, openPage, signIn, startAdminSession, type AdminBrowserSession } from './harness';

const KEY = randomBytes(32).toString('base64url');
/** Users for the jobs to go through: at one per 300 ms batch, a job runs for several seconds. */
const USERS = 30;

browserSuite('Customerly jobs page in Chromium', () => {
  let session: AdminBrowserSession;
  let fake: FakeCustomerly;
  let page: Page;
  let admin: AdminSession;

  const jobsUrl = () => `${session.server.baseUrl}/admin/plugins/customerly-jobs`;
  const card = (id: string, p: Page = page, status?: string) =>
    p.locator(`[data-testid=job][data-job-id="${id}"]${status ? `[data-status=${status}]` : ''}`);
  const menuLink = (p: Page, to: string) => p.locator(`nav a[href$="/admin/plugins/${to}"]`);
  const barValue = async (c: Locator) => Number(await c.getByRole('progressbar').getAttribute('aria-valuenow'));

  async function openJobs(p: Page = page, title = 'Customerly jobs'): Promise<void> {
    await p.goto(jobsUrl());
    await p.getByRole('heading', { name: title, level: 1 }).waitFor();
  }

  /** The bar's value once it is above `value` (read every 100 ms, for up to 20 s). */
  async function barAbove(c: Locator, value: number): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const now = await barValue(c);
      if (now > value) return now;
      await page.waitForTimeout(100);
    }
    throw new Error(`the progress bar stayed at ${value}`);
  }

  /** Starts an apply-tag-rules job over the admin API: its id. */
  async function startTagRulesJob(): Promise<string> {
    const r = await admin.call('POST', '/customerly/jobs', { type: 'apply-tag-rules' });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    return r.json.data.id;
  }

  async function jobOf(id: string): Promise<AnswerJson> {
    const r = await admin.call('GET', `/customerly/jobs/${id}`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.data;
  }

  /** Waits over the API until a job has finished (so that the next one of its type may start). */
  async function finished(id: string): Promise<AnswerJson> {
    for (let i = 0; i < 120; i++) {
      const job = await jobOf(id);
      if (!['queued', 'running'].includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`job ${id} did not finish in 60 s`);
  }

  /** Closes the notifications still shown (they would cover the screenshots). */
  async function dismissNotifications(): Promise<void> {
    const close = page.getByRole('button', { name: 'Close', exact: true });
    for (let tries = 0; tries < 10 && (await close.count()) > 0; tries++) {
      await close
        .first()
        .click({ timeout: 2_000 })
        .catch(() => undefined);
    }
  }

  /** The notification of an import the server refused: its own sentence. */
  async function refusedWith(answer: AnswerJson): Promise<void> {
    const message: string = answer.error?.message;
    assert.ok(message, JSON.stringify(answer));
    await page.getByText(`The import was not started: ${message}`).first().waitFor();
  }

  before(async () => {
    fake = await startFakeCustomerly();
    session = await startAdminSession({
      env: {
        CUSTOMERLY_API_URL: fake.url,
        CUSTOMERLY_API_TOKEN: fake.token,
        CUSTOMERLY_WEBHOOK_KEY: KEY,
        PLAYGROUND_CUSTOMERLY_CONFIG: JSON.stringify({ jobs: { batchSize: 1, batchDelayMs: 300 } }),
      },
      admin: { email: 'jobs.owner@example.test', firstname: 'Jobs', lastname: 'Owner' },
    });
    page = session.page;
    admin = await session.api();
    for (let i = 0; i < USERS; i++) {
      const res = await fetch(`${session.server.baseUrl}/api/customerly/webhook?action=add`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-customerly-access-key': KEY },
        body: JSON.stringify(userWebhook({ email: `user${i}@example.test`, crmhero_user_id: 8100 + i, tags: [] })),
      });
      assert.equal(res.status, 200, await res.text());
    }
  });

  after(async () => {
    await session?.close();
    await fake?.close();
  });

  it('the menu links to the page next to Deliveries; with no job it says "No job yet"', async () => {
    await page.goto(`${session.server.baseUrl}/admin`);
    await menuLink(page, 'customerly').waitFor();
    await menuLink(page, 'customerly-jobs').click();
    await page.getByRole('heading', { name: 'Customerly jobs', level: 1 }).waitFor();
    await page.getByTestId('jobs-empty').getByText('No job yet').waitFor();
    await session.shot('jobs-empty.png', { fullPage: true });
  });

  it('a job running when the page opens shows a moving bar and the time left, then its summary once done', async () => {
    const id = await startTagRulesJob();
    await openJobs();
    const job = card(id);
    await card(id, page, 'running').waitFor();
    assert.equal(await job.getAttribute('data-type'), 'apply-tag-rules');
    await job.getByText('Apply tag rules').waitFor();
    await job.getByText(/Started by jobs\.owner@example\.test · started /).waitFor();

    // The bar moves between two reads, and the job is still running.
    const first = await barAbove(job, 0);
    const second = await barAbove(job, first);
    assert.ok(second > first && second < 100, `the bar moved: ${first} → ${second}`);
    assert.match(await job.getByTestId('job-counts').innerText(), new RegExp(`^Seen: \\d+ of ${USERS} · created: 0`));
    assert.match(
      await job.getByTestId('job-time-left').innerText(),
      /^(About \d+(\.\d)? (seconds?|minutes?) left|Time left: not known yet)$/
    );
    await job.getByRole('button', { name: 'Cancel' }).waitFor();
    await session.shot('jobs-running.png', { fullPage: true });

    // Done: no bar, the counts, and the summary and failures under "Summary and failures".
    await card(id, page, 'done').waitFor({ timeout: 60_000 });
    assert.equal(await job.getByRole('progressbar').count(), 0);
    assert.equal(await job.getByRole('button', { name: 'Cancel' }).count(), 0);
    assert.match(await job.getByTestId('job-counts').innerText(), new RegExp(`^Seen: ${USERS} of ${USERS} · `));
    assert.match(await job.getByTestId('job-times').innerText(), / · finished /);
    await job.getByRole('button', { name: /Summary and failures/ }).click();
    const { summary } = await jobOf(id);
    assert.ok(summary.includes('No user changed role.'), JSON.stringify(summary));
    for (const line of summary) await job.getByTestId('job-summary').getByText(line, { exact: true }).waitFor();
    await job.getByTestId('job-failures').getByText('Nothing failed.').waitFor();
    await session.shot('jobs-done.png', { fullPage: true });

    // Nothing runs any more: the list is no longer asked for.
    let asked = 0;
    const count = (r: { url(): string; method(): string }) => {
      if (r.method() === 'GET' && /\/customerly\/jobs(\?|$)/.test(r.url())) asked++;
    };
    page.on('request', count);
    await page.waitForTimeout(3_000);
    page.off('request', count);
    assert.equal(asked, 0, 'no polling once every job is finished');
  });

  it('cancels a running job after asking (Cancel keeps it, Confirm stops it)', async () => {
    const id = await startTagRulesJob();
    // The list stopped polling: Refresh finds the new job, and polling starts again while it runs.
    await page.getByRole('button', { name: 'Refresh' }).click();
    const job = card(id);
    await card(id, page, 'running').waitFor();

    await job.getByRole('button', { name: 'Cancel' }).click();
    const dialog = page.getByTestId('cancel-job');
    await dialog.getByText('Cancel this job?').waitFor();
    await session.shot('jobs-cancel-dialog.png');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await jobOf(id)).cancelRequested, false, 'Cancel in the question cancels nothing');

    await job.getByRole('button', { name: 'Cancel' }).click();
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page
      .getByText(/Cancel requested: the job stops after its current batch\.|The job is cancelled\./)
      .first()
      .waitFor();
    await card(id, page, 'cancelled').waitFor({ timeout: 30_000 });
    assert.equal(await job.getByRole('button', { name: 'Cancel' }).count(), 0);
    const stored = await finished(id);
    assert.equal(stored.status, 'cancelled');
    assert.ok(stored.progress.seen < USERS, `stopped early: ${stored.progress.seen} of ${USERS}`);
    await dismissNotifications();
    await job.getByRole('button', { name: /Summary and failures/ }).click();
    await job.getByTestId('job-summary').waitFor();
    await session.shot('jobs-cancelled.png', { fullPage: true });
  });

  it('the import form starts with a dry run ticked, and shows what the server answers', async () => {
    const form = page.getByTestId('import-form');
    const dryRun = form.getByRole('checkbox', { name: 'Dry run' });
    assert.equal(await dryRun.getAttribute('aria-checked'), 'true');
    await form.getByText('Run a dry run first: it counts what would happen and changes nothing.').waitFor();
    for (const name of ['Send the welcome email', 'Return the password', "Fetch each contact's tags"])
      assert.equal(await form.getByRole('checkbox', { name }).getAttribute('aria-checked'), 'false', name);

    await form.getByRole('combobox', { name: 'Contacts' }).click();
    await page.getByRole('option', { name: 'Users', exact: true }).click();
    await form.getByText(/^As the update webhook/).waitFor();

    const answer = page.waitForResponse((r) => /\/customerly\/jobs$/.test(r.url()) && r.request().method() === 'POST');
    await form.getByRole('button', { name: 'Start the dry run' }).click();
    const res = await answer;
    assert.deepEqual(res.request().postDataJSON(), {
      type: 'import',
      source: 'users',
      mode: 'update',
      dryRun: true,
      welcomeEmail: false,
      returnPassword: false,
      fetchTags: false,
    });
    const json = (await res.json()) as AnswerJson;
    if (res.status() !== 201) {
      // Import not available in this version (or refused): the server's sentence, in a notification.
      assert.equal(res.status(), 400, JSON.stringify(json));
      await refusedWith(json);
      await session.shot('jobs-import.png', { fullPage: true });
      return;
    }
    // Started: the notification, and the job listed.
    await page.getByText('The dry run has started: follow it below.').first().waitFor();
    await card(json.data.id).waitFor();
    assert.equal(await card(json.data.id).getAttribute('data-type'), 'import');
    await session.shot('jobs-import.png', { fullPage: true });
    await finished(json.data.id);
    await dismissNotifications();

    // An import kept running (Customerly answers 503, so its first page waits for a retry): the form's import is
    // refused with 409, and the server's sentence is shown.
    fake.fault({ kind: 'status', status: 503, path: '/users/list' });
    try {
      const busy = await admin.call('POST', '/customerly/jobs', { type: 'import', source: 'users', dryRun: true });
      assert.equal(busy.status, 201, JSON.stringify(busy.json));
      const again = page.waitForResponse((r) => /\/customerly\/jobs$/.test(r.url()) && r.request().method() === 'POST');
      await form.getByRole('button', { name: 'Start the dry run' }).click();
      const refused = await again;
      assert.equal(refused.status(), 409);
      const refusal = (await refused.json()) as AnswerJson;
      assert.equal(refusal.error.details.id, busy.json.data.id);
      await refusedWith(refusal);
      // The list is asked for again: the import that holds the slot shows up, with its Cancel button.
      await card(busy.json.data.id).getByRole('button', { name: 'Cancel' }).waitFor();
      await session.shot('jobs-import-refused.png', { fullPage: true });
      assert.equal((await admin.call('POST', `/customerly/jobs/${busy.json.data.id}/cancel`)).status, 200);
      assert.equal((await finished(busy.json.data.id)).status, 'cancelled');
    } finally {
      fake.clearFaults();
    }
    await dismissNotifications();
  });

  it('a running import (no total known) shows a sliding bar and its pace, then its summary', async () => {
    fake.seedContacts({ users: 200 });
    // Each page takes 1.5 s to come: the import runs long enough to be watched.
    fake.fault({ kind: 'latency', ms: 1500, path: '/users/list', times: 10 });
    try {
      const res = await admin.call('POST', '/customerly/jobs', { type: 'import', source: 'users', mode: 'update' });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      const id: string = res.json.data.id;
      await page.getByRole('button', { name: 'Refresh' }).click();
      const job = card(id, page, 'running');
      await job.waitFor();
      const bar = job.getByRole('progressbar');
      await job
        .getByTestId('job-time-left')
        .getByText(/^About [\d,.]+ contacts a minute/)
        .waitFor({ timeout: 20_000 });
      assert.equal(await bar.getAttribute('aria-busy'), 'true', 'the bar says it is moving');
      assert.equal(await bar.getAttribute('aria-valuenow'), null, 'and claims no percentage it does not know');
      assert.ok(
        await bar.locator('[data-indeterminate]').evaluate((el) => el.getAnimations().length > 0),
        'its segment slides'
      );
      await card(id, page, 'done').waitFor({ timeout: 30_000 });
      assert.equal(await card(id).getByRole('progressbar').count(), 0, 'a finished job has no bar');
      assert.match(await card(id).getByTestId('job-counts').innerText(), /^Seen: 200 · /);
    } finally {
      fake.clearFaults();
    }
  });

  it('an admin who may only read jobs sees them, but no start and no cancel', async () => {
    const baseUrl = session.server.baseUrl;
    const role = await admin.call('POST', '/admin/roles', { name: 'Jobs reader', description: 'jobs.read only' });
    assert.equal(role.status, 201, JSON.stringify(role.json));
    const perms = await admin.call('PUT', `/admin/roles/${role.json.data.id}/permissions`, {
      permissions: [{ action: ACTIONS.jobsRead, subject: null, properties: {}, conditions: [] }],
    });
    assert.equal(perms.status, 200, JSON.stringify(perms.json));
    const email = 'jobs.reader@example.test';
    const password = await inviteAdmin(admin, baseUrl, {
      firstname: 'Jo',
      lastname: 'Reader',
      email,
      roleId: role.json.data.id,
    });

    let id = '';
    const p = await openPage(session.browser);
    try {
      await signIn(p, baseUrl, { email, password });
      id = await startTagRulesJob();
      await openJobs(p);
      await card(id, p, 'running').waitFor();
      await p
        .getByTestId('jobs-read-only')
        .getByText('You can follow the jobs here, but not start or cancel them.')
        .waitFor();
      assert.equal(await p.getByTestId('import-form').count(), 0, 'no import form');
      assert.equal(await card(id, p).getByRole('button', { name: 'Cancel' }).count(), 0, 'no Cancel');
      assert.equal(await card(id, p).getByRole('progressbar').count(), 1);
      await menuLink(p, 'customerly-jobs').waitFor();
      assert.equal(await menuLink(p, 'customerly').count(), 0, 'no deliveries.read: no Deliveries link');
      await session.shot('jobs-read-only.png', { page: p, fullPage: true });
    } finally {
      await p.context().close();
    }

    const reader = await login(baseUrl, email, password);
    assert.equal((await reader.call('GET', '/customerly/jobs')).status, 200);
    assert.equal((await reader.call('POST', '/customerly/jobs', { type: 'apply-tag-rules' })).status, 403);
    assert.equal((await reader.call('POST', `/customerly/jobs/${id}/cancel`)).status, 403);
    await finished(id);
  });

  it('in Italian, the page is Italian', async () => {
    await page.evaluate(() => localStorage.setItem('strapi-admin-language', 'it'));
    try {
      await openJobs(page, 'Job di Customerly');
      await page.getByText("Avvia un'importazione").first().waitFor();
      await page.getByText('Esegui prima una prova: conta cosa succederebbe e non modifica nulla.').waitFor();
      await page.getByRole('button', { name: 'Avvia la prova' }).waitFor();
      await page.locator('[data-testid=job][data-status=done]').first().getByText('completato').waitFor();
      await session.shot('jobs-it.png', { fullPage: true });
    } finally {
      await page.evaluate(() => localStorage.setItem('strapi-admin-language', 'en'));
    }
  });
});
