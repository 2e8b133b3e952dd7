/**
 * Reconcile (product.md, "Jobs"): an import job on Strapi's cron, in config and in the panel.
 *  - on, every 2 seconds in config: an import job (source both, the configured mode, no email, no password return)
 *    is queued by the schedule and runs like any other;
 *  - one tick fired twice (as two processes fire it) starts one job;
 *  - the panel: a bad cron expression is refused naming `reconcile.cron`; turning it off removes the schedule, a new
 *    schedule shows its next run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jobListAnswer, type Job } from '../../shared/contracts/jobs';
import { adminSettingsSchema } from '../../shared/contracts/settings';
import { createAdmin, login, type AdminSession } from '../e2e/admin-api';
import { seedEmail, startFakeCustomerly, type FakeCustomerly } from '../fake-customerly';
import { USER_UID } from '../helpers/fixtures';
import { waitFor } from '../helpers/processes';
import { startStrapi, type TestStrapi } from '../helpers/strapi';

const JOB_UID = 'plugin::customerly.job';

describe('reconcile: the scheduled import (real Strapi, fake Customerly lists)', () => {
  let fake: FakeCustomerly;
  let app: TestStrapi;
  let admin: AdminSession;

  const jobs = async (): Promise<Job[]> => {
    const res = await admin.call('GET', '/customerly/jobs?limit=50');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return jobListAnswer.parse(res.json).data;
  };
  const reconcile = () => app.strapi.plugin('customerly').service('reconcile');

  before(async () => {
    fake = await startFakeCustomerly();
    fake.seedContacts({ users: 3, leads: 1 });
    app = await startStrapi({
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: {
        reconcile: { enabled: true, cron: '*/2 * * * * *', mode: 'create' },
        welcomeEmail: { always: true },
        jobs: { pollMs: 100 },
      },
    });
    const creds = await createAdmin(app.strapi);
    admin = await login(app.baseUrl, creds.email, creds.password);
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('the schedule queues an import job that runs like any other', { timeout: 60_000 }, async () => {
    const job = await waitFor(
      async () => (await jobs()).find((j) => j.type === 'import' && j.status === 'done'),
      30_000,
      'a scheduled import to finish'
    );
    assert.equal(job.startedBy, 'reconcile (schedule)');
    assert.deepEqual(
      { source: job.params.source, mode: job.params.mode, dryRun: job.params.dryRun },
      { source: 'both', mode: 'create', dryRun: false }
    );
    assert.equal(job.params.welcomeEmail, false, 'a scheduled import sends no welcome email');
    assert.equal(job.params.returnPassword, false);
    const emails = ((await app.strapi.db.query(USER_UID).findMany({ select: ['email'] })) as { email: string }[])
      .map((u) => u.email)
      .sort();
    assert.deepEqual(emails, [...[0, 1, 2].map((i) => seedEmail('users', i)), seedEmail('leads', 0)].sort());
  });

  it('one tick fired by two processes starts one job', async () => {
    const tick = new Date(Date.UTC(2030, 0, 1, 3, 0, 0));
    // Turn the cron off first, so that only these two calls start jobs.
    const off = await admin.call('PUT', '/customerly/settings', {
      reconcile: { enabled: true, cron: '0 3 1 1 *', mode: 'create' },
    });
    assert.equal(off.status, 200, JSON.stringify(off.json));
    await waitFor(
      async () => ((await jobs()).every((j) => ['done', 'failed', 'cancelled'].includes(j.status)) ? true : undefined),
      30_000,
      'the jobs in hand to finish'
    );
    const before = await app.strapi.db.query(JOB_UID).count({});
    const [first, second] = await Promise.all([
      reconcile().fire(tick),
      reconcile().fire(new Date(tick.getTime() + 400)),
    ]);
    assert.deepEqual([first, second].sort(), ['exists', 'started']);
    assert.equal(await app.strapi.db.query(JOB_UID).count({}), before + 1);
  });

  it('the panel: a bad schedule is refused naming reconcile.cron; off removes it; a new one shows its next run', async () => {
    const bad = await admin.call('PUT', '/customerly/settings', {
      reconcile: { enabled: true, cron: '0 3 * *', mode: 'update' },
    });
    assert.equal(bad.status, 400, JSON.stringify(bad.json));
    const paths = (bad.json.error.details.errors as Array<{ path: string[] }>).map((e) => e.path.join('.'));
    assert.ok(paths.includes('reconcile.cron'), paths.join(', '));

    const off = await admin.call('PUT', '/customerly/settings', {
      reconcile: { enabled: false, cron: '0 3 * * *', mode: 'update' },
    });
    assert.equal(off.status, 200, JSON.stringify(off.json));
    const offView = adminSettingsSchema.parse(off.json.data);
    assert.equal(offView.meta.reconcileNextRun, null);
    assert.deepEqual(offView.settings.reconcile, { enabled: false, cron: '0 3 * * *', mode: 'update' });
    assert.equal(reconcile().nextRun(), null);
    assert.equal(
      app.strapi.cron.jobs.some((j) => (j as { name?: string }).name === 'customerly-reconcile'),
      false,
      'no task left in Strapi cron'
    );

    const on = await admin.call('PUT', '/customerly/settings', {
      reconcile: { enabled: true, cron: '30 4 * * *', mode: 'update' },
    });
    assert.equal(on.status, 200, JSON.stringify(on.json));
    const next = adminSettingsSchema.parse(on.json.data).meta.reconcileNextRun;
    assert.ok(next, 'a next run');
    const at = new Date(next);
    assert.deepEqual([at.getHours(), at.getMinutes()], [4, 30], `next run ${next} is at 04:30 server time`);
    assert.ok(at.getTime() > Date.now() && at.getTime() <= Date.now() + 24 * 3600_000);
  });
});
