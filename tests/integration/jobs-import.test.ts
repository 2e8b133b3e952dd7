/**
 * The import job (product.md, "Jobs"), on a real Strapi with the fake Customerly's list endpoints:
 *  - mode create from 500 users and 60 leads (11 + 2 pages): every contact exactly once, through the webhook's sync
 *    (field mapping, default role), one delivery each marked `source: import`; list rows carry no tags, so no lookup
 *    is made and the summary says the tags come with the next webhook; no welcome email and no password return even
 *    though the settings would send them on a webhook `add`;
 *  - mode update with fetchTags: existing users updated (one lookup per contact, tags and tag rules applied),
 *    unchanged ones counted unchanged, contacts without a user skipped;
 *  - a dry run counts what would be created and synced and changes nothing (no user, no delivery);
 *  - one import at a time (409), cancel;
 *  - Customerly failing mid-list (500, 429 with Retry-After, a hang): the page is read again, every contact once;
 *    tags a webhook gave stay when the list rows have none;
 *  - a webhook for a contact while the import runs: both apply, in turn;
 *  - the welcome email and the password return when the job asks for them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jobSchema, type Job } from '../../shared/contracts/jobs';
import { createAdmin, login, type AdminSession } from '../e2e/admin-api';
import { seedEmail, startFakeCustomerly, type FakeCustomerly } from '../fake-customerly';
import { DELIVERY_UID, ensureRole, oneUser, setResetPasswordUrl, tagNames, USER_UID } from '../helpers/fixtures';
import { waitFor } from '../helpers/processes';
import { startStrapi, type TestStrapi } from '../helpers/strapi';

const USERS = 500;
const LEADS = 60;
const FINISHED = ['done', 'failed', 'cancelled'];

interface DeliveryRow {
  id: number;
  eventId: string;
  action: string;
  email: string;
  status: string;
  params: Record<string, unknown>;
  result: Record<string, unknown> | null;
}

describe('import job (real Strapi, fake Customerly lists)', () => {
  let fake: FakeCustomerly;
  let app: TestStrapi;
  let admin: AdminSession;

  const start = (body: unknown) => admin.call('POST', '/customerly/jobs', body);
  const jobOf = async (id: string): Promise<Job> => {
    const res = await admin.call('GET', `/customerly/jobs/${id}`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return jobSchema.parse(res.json.data);
  };
  const finished = (id: string, timeoutMs = 240_000) =>
    waitFor(
      async () => {
        const job = await jobOf(id);
        return FINISHED.includes(job.status) ? job : undefined;
      },
      timeoutMs,
      `job ${id} to finish`
    );
  const runImport = async (body: Record<string, unknown>): Promise<Job> => {
    const res = await start({ type: 'import', ...body });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const job = await finished(res.json.data.id);
    assert.equal(job.status, 'done', `${JSON.stringify(job)}`);
    return job;
  };
  const userCount = () => app.strapi.db.query(USER_UID).count({});
  const allEmails = async (): Promise<string[]> =>
    ((await app.strapi.db.query(USER_UID).findMany({ select: ['email'] })) as Array<{ email: string }>).map(
      (u) => u.email
    );
  const deliveriesOf = async (jobId: string): Promise<DeliveryRow[]> =>
    (await app.strapi.db.query(DELIVERY_UID).findMany({
      where: { eventId: { $startsWith: `import-${jobId}-` } },
      orderBy: { id: 'asc' },
    })) as DeliveryRow[];
  const deliveryCount = () => app.strapi.db.query(DELIVERY_UID).count({});
  const progressOf = (job: Job) => {
    const { total: _total, ...counts } = job.progress;
    return counts;
  };

  before(async () => {
    fake = await startFakeCustomerly({ includeTagsInContacts: true });
    fake.seedContacts({
      users: USERS,
      leads: LEADS,
      attributes: (i) => ({ plan: i % 2 ? 'pro' : 'free' }),
      tags: (i) => (i % 5 === 0 ? ['Pro'] : []),
    });
    app = await startStrapi({
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: {
        allowedRoles: ['authenticated', 'pro'],
        tagRules: [{ tag: 'Pro', role: 'pro' }],
        fieldMapping: [
          { from: 'name', to: 'firstName', type: 'string' },
          { from: 'attributes.plan', to: 'plan', type: 'string' },
        ],
        // What a webhook `add` would do: send the welcome email, return the password. The import does neither
        // unless the job asks.
        welcomeEmail: { always: true },
        returnPassword: { enabled: true, attribute: 'wp_password' },
        customerly: { maxRetries: 1, maxBackoffMs: 500, timeoutMs: 1500, concurrency: 4 },
        queue: { retryBaseMs: 200, retryMaxMs: 2000, concurrency: 4 },
        jobs: { pollMs: 100 },
      },
    });
    await ensureRole(app.strapi, 'Pro', 'pro');
    await setResetPasswordUrl(app.strapi, 'https://example.test/reset');
    const creds = await createAdmin(app.strapi);
    admin = await login(app.baseUrl, creds.email, creds.password);
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  it(
    'mode create, users then leads: every contact exactly once, through the webhook sync, no lookup, no email, no password return',
    { timeout: 300_000 },
    async (t) => {
      const startedAt = Date.now();
      const job = await runImport({ source: 'both', mode: 'create' });
      t.diagnostic(`${USERS + LEADS} contacts created in ${Date.now() - startedAt} ms`);
      assert.deepEqual(progressOf(job), {
        seen: USERS + LEADS,
        created: USERS + LEADS,
        updated: 0,
        unchanged: 0,
        skipped: 0,
        failed: 0,
      });
      assert.deepEqual(job.failures, []);

      const emails = await allEmails();
      assert.equal(emails.length, USERS + LEADS, 'one user per contact');
      assert.equal(new Set(emails).size, emails.length, 'no duplicate email');
      const expected = [
        ...Array.from({ length: USERS }, (_, i) => seedEmail('users', i)),
        ...Array.from({ length: LEADS }, (_, i) => seedEmail('leads', i)),
      ].sort();
      assert.deepEqual([...emails].sort(), expected);

      // Through the same sync as the webhook: the mapping, the Customerly id link, the default role.
      const u7 = await oneUser(app.strapi, seedEmail('users', 7));
      assert.equal(u7.firstName, 'User 7');
      assert.equal(u7.plan, 'pro');
      assert.equal(u7.customerlyContactId, String(fake.getUser(seedEmail('users', 7))!.crmhero_user_id));
      assert.equal(u7.role.type, 'authenticated');
      const u5 = await oneUser(app.strapi, seedEmail('users', 5));
      assert.deepEqual(tagNames(u5), [], 'list rows have no tags: none are set');
      assert.equal(u5.role.type, 'authenticated', 'no tag known, so no tag rule acted');

      // Pages: users 0-9 full, 10 empty (the end); leads 0 full, 1 short. Each read once; no lookup, no write.
      assert.deepEqual(
        fake.pageCounts('users'),
        Object.fromEntries(Array.from({ length: Math.floor(USERS / 50) + 1 }, (_, p) => [p, 1]))
      );
      assert.deepEqual(fake.pageCounts('leads'), { 0: 1, 1: 1 });
      assert.equal(fake.requestsTo('GET', '/users').length, 0, 'no GET /users?email= without fetchTags');
      assert.equal(fake.requestsTo('GET', '/leads').length, 0);
      assert.equal(fake.requestsTo('POST', '/users').length, 0, 'no password return');
      assert.equal(fake.requestsTo('POST', '/leads').length, 0);
      assert.equal(app.emails.length, 0, 'no welcome email');

      // One delivery per contact, marked as the import's, answered as a webhook add.
      const deliveries = await deliveriesOf(job.id);
      assert.equal(deliveries.length, USERS + LEADS);
      assert.equal(new Set(deliveries.map((d) => d.email)).size, USERS + LEADS);
      for (const d of deliveries) {
        assert.equal(d.action, 'add');
        assert.equal(d.status, 'done');
        assert.equal(d.params.source, 'import');
        assert.equal(d.params.job, job.id);
        assert.equal(d.params.send_notification, false);
        assert.equal(d.result?.welcomeEmail, 'not-requested');
        assert.equal(d.result?.passwordReturn, 'not-enabled');
      }
      const lead = deliveries.find((d) => d.email === seedEmail('leads', 3))!;
      assert.equal(lead.params.list, 'leads');
      assert.equal((lead.result?.contact as { kind: string }).kind, 'lead');

      assert.ok(
        job.summary.some((l) => /Tags were not in the list; they arrive with the next webhook/.test(l)),
        JSON.stringify(job.summary)
      );
    }
  );

  it(
    'mode update with fetchTags: existing users updated (tags, tag rules, fields), unchanged counted, no user: skipped',
    { timeout: 300_000 },
    async () => {
      // 20 new contacts without a user; a third of the users change plan.
      fake.seedContacts({ users: 20, from: USERS, tags: () => ['Pro'] });
      fake.seedContacts({ users: USERS, attributes: (i) => ({ plan: i % 3 === 0 ? 'gold' : i % 2 ? 'pro' : 'free' }) });
      const lookupsBefore = fake.requestsTo('GET', '/users').length;
      const usersBefore = await userCount();

      const job = await runImport({ source: 'users', mode: 'update', fetchTags: true });
      const changed = Array.from({ length: USERS }, (_, i) => i).filter((i) => i % 5 === 0 || i % 3 === 0).length;
      assert.deepEqual(progressOf(job), {
        seen: USERS + 20,
        created: 0,
        updated: changed,
        unchanged: USERS - changed,
        skipped: 20,
        failed: 0,
      });
      assert.equal(await userCount(), usersBefore, 'update mode creates nobody');
      assert.equal(fake.requestsTo('GET', '/users').length - lookupsBefore, USERS + 20, 'one lookup per contact');

      const u10 = await oneUser(app.strapi, seedEmail('users', 10));
      assert.deepEqual(tagNames(u10), ['Pro'], 'tags fetched');
      assert.equal(u10.role.type, 'pro', 'the tag rule gives its role');
      const u3 = await oneUser(app.strapi, seedEmail('users', 3));
      assert.equal(u3.plan, 'gold');
      assert.deepEqual(tagNames(u3), []);
      const skipped = (await deliveriesOf(job.id)).filter((d) => d.status === 'skipped');
      assert.equal(skipped.length, 20);
      assert.ok(skipped.every((d) => d.result?.skipped === 'no-matching-user' && d.action === 'update'));
      assert.ok(!job.summary.some((l) => /they arrive with the next webhook/.test(l)), JSON.stringify(job.summary));
    }
  );

  it('a dry run counts what would happen and changes nothing: no user, no delivery', { timeout: 120_000 }, async () => {
    fake.seedContacts({ users: 30, from: USERS + 20 });
    fake.seedContacts({ users: 1, from: 4, attributes: () => ({ plan: 'changed-in-dry-run' }) });
    const before = { users: await userCount(), deliveries: await deliveryCount() };
    const job = await runImport({ source: 'users', mode: 'create', dryRun: true });
    assert.deepEqual(progressOf(job), {
      seen: USERS + 50,
      created: 50,
      updated: USERS,
      unchanged: 0,
      skipped: 0,
      failed: 0,
    });
    assert.deepEqual({ users: await userCount(), deliveries: await deliveryCount() }, before);
    assert.equal((await oneUser(app.strapi, seedEmail('users', 4))).plan, 'free', 'no field written');
    assert.match(job.summary[0]!, /Dry run: nothing was changed/);
  });

  it(
    'one import at a time (409 while one runs); cancel stops it after the page in hand',
    { timeout: 120_000 },
    async () => {
      fake.fault({ kind: 'latency', ms: 800, path: /\/(users|leads)\/list$/ });
      try {
        const first = await start({ type: 'import', source: 'users', mode: 'update' });
        assert.equal(first.status, 201, JSON.stringify(first.json));
        const id = first.json.data.id as string;
        const second = await start({ type: 'import', source: 'leads', mode: 'create', dryRun: true });
        assert.equal(second.status, 409, JSON.stringify(second.json));
        assert.equal(second.json.error.details.code, 'job_running');
        assert.equal(second.json.error.details.id, id);

        await waitFor(async () => (await jobOf(id)).progress.seen >= 50, 60_000, 'a page to be done');
        const cancel = await admin.call('POST', `/customerly/jobs/${id}/cancel`);
        assert.equal(cancel.status, 200, JSON.stringify(cancel.json));
        const job = await finished(id, 60_000);
        assert.equal(job.status, 'cancelled');
        assert.ok(job.progress.seen > 0 && job.progress.seen < USERS + 50, `stopped mid-list (${job.progress.seen})`);
        assert.equal(job.progress.seen % 50, 0, 'whole pages only');
      } finally {
        fake.clearFaults();
      }
    }
  );

  it(
    'Customerly failing mid-list (500, 429 with Retry-After, a hang): pages read again, every contact exactly once; tags given by a webhook stay',
    { timeout: 300_000 },
    async () => {
      // A webhook gives user 11 a tag the list rows do not carry: the import leaves it.
      const hook = await app.webhook(
        { action: 'update_tags' },
        { data: { user: { data: { email: seedEmail('users', 11), tags: ['Webinar'] } } } }
      );
      assert.equal(hook.status, 200, JSON.stringify(hook.json));

      const listFaults = '/users/list';
      // 500 on page 1 for 4 requests: 2 tries of the client (maxRetries 1) twice, then it answers.
      fake.fault({ kind: 'status', status: 500, path: listFaults, page: 1, times: 4 });
      // 429 on page 2 with a Retry-After (1 s) longer than the client waits (maxBackoffMs 0.5 s): left to the job.
      fake.fault({ kind: 'rateLimit', retryAfter: 1, path: listFaults, page: 2, times: 2 });
      // A hang on page 3: the client's timeout (1.5 s), once per try.
      fake.fault({ kind: 'hang', path: listFaults, page: 3, times: 2 });
      const usersBefore = await userCount();
      const pagesBefore = fake.pageCounts('users');

      const job = await runImport({ source: 'users', mode: 'create' });
      const all = USERS + 50;
      const p = job.progress;
      assert.equal(p.seen, all, 'each contact counted once');
      assert.equal(p.created, 50, 'the 50 contacts without a user (update mode, dry run) are created');
      assert.equal(p.created + p.updated + p.unchanged, all);
      assert.equal(p.failed + p.skipped, 0);
      assert.equal(await userCount(), usersBefore + 50);
      const emails = await allEmails();
      assert.equal(new Set(emails).size, emails.length, 'no duplicate email');
      const deliveries = await deliveriesOf(job.id);
      assert.equal(deliveries.length, all, 'one delivery per contact');
      assert.equal(new Set(deliveries.map((d) => d.eventId)).size, all);

      const pages = fake.pageCounts('users');
      const readsOf = (page: number) => (pages[page] ?? 0) - (pagesBefore[page] ?? 0);
      assert.equal(readsOf(1), 5, 'page 1 read again after its 500s');
      assert.equal(readsOf(2), 3, 'page 2 read again after its 429s');
      assert.equal(readsOf(3), 3, 'page 3 read again after its hangs');
      assert.equal(readsOf(0), 1);
      assert.ok(
        job.summary.some((l) => /read again/.test(l) && /HTTP 500/.test(l) && /HTTP 429/.test(l)),
        JSON.stringify(job.summary)
      );

      const u11 = await oneUser(app.strapi, seedEmail('users', 11));
      assert.deepEqual(tagNames(u11), ['Webinar'], 'list rows without tags leave the tags as they are');
      const u10 = await oneUser(app.strapi, seedEmail('users', 10));
      assert.deepEqual(tagNames(u10), ['Pro']);
    }
  );

  it(
    'a webhook for a contact while the import runs: both are applied, one after the other',
    { timeout: 180_000 },
    async () => {
      fake.fault({ kind: 'latency', ms: 300, path: '/users/list' });
      try {
        const res = await start({ type: 'import', source: 'users', mode: 'update' });
        assert.equal(res.status, 201);
        const id = res.json.data.id as string;
        // While it runs, a webhook for a contact of a later page, and one of a page being read now.
        await waitFor(async () => (await jobOf(id)).progress.seen >= 50, 60_000, 'the import to be under way');
        const email = seedEmail('users', USERS - 20);
        const hook = await app.webhook({ action: 'update' }, { data: { user: { data: { email, tags: ['Late'] } } } });
        assert.equal(hook.status, 200, JSON.stringify(hook.json));
        const job = await finished(id);
        assert.equal(job.status, 'done');
        const u = await oneUser(app.strapi, email);
        assert.deepEqual(tagNames(u), ['Late'], 'the import (no tags in the rows) leaves the webhook tags');
        const rows = (await app.strapi.db.query(DELIVERY_UID).findMany({
          where: { email },
          orderBy: { id: 'asc' },
        })) as Array<DeliveryRow & { history: Array<{ at: string }>; processedAt: string }>;
        const imported = rows.filter((r) => r.eventId.startsWith(`import-${id}-`));
        const webhook = rows.find((r) => r.eventId === hook.json.eventId);
        assert.equal(imported.length, 1, 'the import applied the contact once');
        assert.ok(webhook, 'the webhook delivery is stored');
        assert.deepEqual([webhook.status, imported[0]!.status], ['done', 'done']);
        // The contact's deliveries run in arrival order: the webhook's (stored first) before the import's.
        assert.ok(webhook.id < imported[0]!.id);
        assert.ok(new Date(webhook.processedAt) <= new Date(imported[0]!.processedAt));
      } finally {
        fake.clearFaults();
      }
    }
  );

  it(
    'welcome email and password return only when the job asks: new users get both, existing ones neither',
    { timeout: 180_000 },
    async () => {
      const fresh = [0, 1, 2].map((k) => seedEmail('users', 900 + k));
      fake.seedContacts({ users: 3, from: 900 });
      const writesBefore = fake.requestsTo('POST', '/users').length;
      const emailsBefore = app.emails.length;
      const job = await runImport({ source: 'users', mode: 'create', welcomeEmail: true, returnPassword: true });
      assert.equal(job.progress.created, 3);
      assert.equal(job.progress.failed, 0);
      const sent = app.emails.slice(emailsBefore).map((m) => m.to);
      assert.deepEqual([...sent].sort(), fresh, 'the welcome email goes to the new users only');
      const writes = fake
        .requestsTo('POST', '/users')
        .slice(writesBefore)
        .map((r) => (r.body as { users: Array<{ email: string; attributes: Record<string, unknown> }> }).users[0]!);
      assert.deepEqual(writes.map((w) => w.email).sort(), fresh, 'a generated password returned for each new user');
      assert.ok(writes.every((w) => typeof w.attributes.wp_password === 'string'));
      assert.ok(job.summary.some((l) => /welcome email/.test(l)) && job.summary.some((l) => /wp_password/.test(l)));
    }
  );
});
