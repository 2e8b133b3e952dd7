/**
 * The `apply-tag-rules` job and the jobs admin API (product.md, "Tag rules" and "Jobs"), on a real Strapi:
 *  - users tagged without a webhook (in the database, and in the Content Manager) get their role from the rules
 *    through the job; a user whose role is off the allowlist is skipped; a role that came from a rule whose tag is
 *    gone goes back to the default role; each change is announced (`customerly.role.changed`);
 *  - the preview counts what the job will do and writes nothing; a dry run counts and writes nothing;
 *  - a second run changes nothing;
 *  - one job of a type at a time: two concurrent POSTs give exactly one 201 and one 409 `job_running`;
 *  - cancel: a running job stops after its batch, a queued one at once; a finished one is 409;
 *  - RBAC (jobs.read, jobs.run) and bad input (400 with a sentence, 404).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jobSchema, tagRulesPreviewAnswer, type Job } from '../../shared/contracts/jobs';
import { ACTIONS } from '../../shared/contracts/permissions';
import { createAdmin, createRole, login, type AdminSession } from '../e2e/admin-api';
import { ensureRole, recordEvents, ROLE_UID, USER_UID, type RecordedEvent } from '../helpers/fixtures';
import { waitFor } from '../helpers/processes';
import { startStrapi, type TestStrapi } from '../helpers/strapi';

const RULES = [
  { tag: 'Pro', role: 'pro' },
  { tag: 'Gold', role: 'gold' },
];
/** Users tagged Pro in the database, on the default role: each moves to pro. */
const PRO_USERS = 5;
const FINISHED = ['done', 'failed', 'cancelled'];

interface RoleRow {
  id: number;
  type: string;
}

describe('apply-tag-rules job and the jobs admin API (real Strapi)', () => {
  let app: TestStrapi;
  let admin: AdminSession;
  let roles: Record<'authenticated' | 'pro' | 'gold' | 'staff', RoleRow>;
  let events: RecordedEvent[];
  /** The users of the scenario, by name. */
  const ids: Record<string, number> = {};

  const roleOf = async (id: number): Promise<string> => {
    const u = (await app.strapi.db.query(USER_UID).findOne({ where: { id }, populate: { role: true } })) as {
      role: RoleRow | null;
    };
    return u.role?.type ?? '(none)';
  };
  const allRoles = async () => {
    const out: Record<string, string> = {};
    for (const [name, id] of Object.entries(ids)) out[name] = await roleOf(id);
    return out;
  };
  const start = (body: unknown, session = admin) => session.call('POST', '/customerly/jobs', body);
  const jobOf = async (id: string): Promise<Job> => {
    const res = await admin.call('GET', `/customerly/jobs/${id}`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return jobSchema.parse(res.json.data);
  };
  const finished = (id: string) =>
    waitFor(
      async () => {
        const job = await jobOf(id);
        return FINISHED.includes(job.status) ? job : undefined;
      },
      30_000,
      `job ${id} to finish`
    );
  const runJob = async (body: unknown): Promise<Job> => {
    const res = await start(body);
    assert.equal(res.status, 201, JSON.stringify(res.json));
    // Queued, or already running when a worker claimed it before the answer was written.
    assert.ok(['queued', 'running'].includes(res.json.data.status), JSON.stringify(res.json));
    return finished(res.json.data.id);
  };

  before(async () => {
    app = await startStrapi({
      pluginConfig: {
        tagRules: RULES,
        allowedRoles: ['authenticated', 'pro', 'gold'],
        // Slow enough (2 users a batch, a pause between) for a second request to find the job running.
        jobs: { batchSize: 2, batchDelayMs: 300, pollMs: 100 },
      },
    });
    const creds = await createAdmin(app.strapi);
    admin = await login(app.baseUrl, creds.email, creds.password);
    roles = {
      authenticated: await app.strapi.db.query(ROLE_UID).findOne({ where: { type: 'authenticated' } }),
      pro: await ensureRole(app.strapi, 'Pro', 'pro'),
      gold: await ensureRole(app.strapi, 'Gold', 'gold'),
      staff: await ensureRole(app.strapi, 'Staff', 'staff'),
    };
    const tags = (await app.strapi.plugin('customerly').service('tags').ensure(['Pro', 'Gold', 'Other'])) as Array<{
      id: number;
      name: string;
    }>;
    const tag = (name: string) => tags.find((t) => t.name === name)!.id;
    const user = async (name: string, role: RoleRow, tagNames: string[]) => {
      const created = (await app.strapi.db.query(USER_UID).create({
        data: {
          username: `job-${name}`,
          email: `job-${name}@example.com`,
          provider: 'local',
          confirmed: true,
          role: role.id,
          tags: tagNames.map(tag),
        },
      })) as { id: number };
      ids[name] = created.id;
    };
    for (let i = 0; i < PRO_USERS; i++) await user(`pro${i}`, roles.authenticated, ['Pro']);
    await user('gold', roles.authenticated, ['Gold', 'Other']);
    await user('both', roles.authenticated, ['Gold', 'Pro']); // the first rule (Pro) wins
    await user('none', roles.authenticated, ['Other']); // no rule: unchanged
    await user('lost', roles.pro, []); // a rule's role, its tag gone: back to the default role
    await user('already', roles.pro, ['Pro']); // unchanged
    await user('staff', roles.staff, ['Pro']); // off the allowlist: skipped, never touched
    // Tagged in the Content Manager, as an admin would.
    await user('cm', roles.authenticated, []);
    const cmUser = (await app.strapi.db.query(USER_UID).findOne({ where: { id: ids.cm } })) as { documentId: string };
    const put = await admin.call('PUT', `/content-manager/collection-types/${USER_UID}/${cmUser.documentId}`, {
      tags: { connect: [{ id: tag('Pro') }] },
    });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    events = recordEvents(app.strapi, ['customerly.role.changed']);
  });
  after(async () => {
    await app?.stop();
  });

  const USERS = PRO_USERS + 7;
  const EXPECTED_CHANGES = { pro: PRO_USERS + 2, gold: 1, authenticated: 1 };
  const CHANGES = PRO_USERS + 4;

  it('the preview counts what the job would change, writing nothing', async () => {
    const before = await allRoles();
    const res = await admin.call('POST', '/customerly/jobs/preview', { type: 'apply-tag-rules' });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const { data } = tagRulesPreviewAnswer.parse(res.json);
    assert.equal(data.checked, USERS);
    assert.equal(data.changes, CHANGES);
    assert.deepEqual(
      Object.fromEntries(data.byRole.map((r) => [r.role, r.count])),
      EXPECTED_CHANGES,
      JSON.stringify(data.byRole)
    );
    assert.equal(data.byRole[0]!.role, 'pro', 'the largest move first');
    assert.equal(data.byRole[0]!.name, 'Pro');
    assert.ok(
      data.warnings.some((w) => /1 user keep.*allowlist/.test(w)),
      `the user off the allowlist is reported: ${JSON.stringify(data.warnings)}`
    );
    assert.deepEqual(await allRoles(), before, 'no role changed');
  });

  it('a dry run counts what would change and writes nothing', async () => {
    const before = await allRoles();
    const job = await runJob({ type: 'apply-tag-rules', dryRun: true });
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.deepEqual(job.params, { dryRun: true });
    assert.deepEqual(job.progress, {
      seen: USERS,
      created: 0,
      updated: CHANGES,
      unchanged: USERS - CHANGES - 1,
      skipped: 1,
      failed: 0,
      total: USERS,
    });
    assert.ok(job.summary.includes('Dry run: no role was changed.'), JSON.stringify(job.summary));
    assert.ok(job.summary.includes(`${PRO_USERS + 2} users would move → pro`), JSON.stringify(job.summary));
    assert.deepEqual(await allRoles(), before, 'no role changed');
    assert.equal(events.length, 0, 'no event for a dry run');
  });

  it('the job gives each user the role of the rules, skips the user off the allowlist, and announces each change', async () => {
    const job = await runJob({ type: 'apply-tag-rules' });
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.equal(job.startedBy, admin.email);
    assert.ok(job.startedAt && job.finishedAt && job.startedAt <= job.finishedAt);
    assert.equal(job.error, undefined);
    assert.deepEqual(job.progress, {
      seen: USERS,
      created: 0,
      updated: CHANGES,
      unchanged: USERS - CHANGES - 1,
      skipped: 1,
      failed: 0,
      total: USERS,
    });
    assert.deepEqual(job.failures, []);
    assert.deepEqual(job.summary.slice(0, 3), [
      `${PRO_USERS + 2} users → pro`,
      '1 user → authenticated',
      '1 user → gold',
    ]);
    assert.ok(job.summary.includes('1 user kept their role: it is not on the webhook allowlist.'));

    const expected: Record<string, string> = {
      gold: 'gold',
      both: 'pro',
      none: 'authenticated',
      lost: 'authenticated',
      already: 'pro',
      staff: 'staff',
      cm: 'pro',
    };
    for (let i = 0; i < PRO_USERS; i++) expected[`pro${i}`] = 'pro';
    assert.deepEqual(await allRoles(), expected);

    assert.equal(events.length, CHANGES, 'one event per change');
    const lost = events.find((e) => e.payload.user.email === 'job-lost@example.com')!;
    assert.deepEqual(lost.payload, {
      user: {
        id: ids.lost,
        documentId: lost.payload.user.documentId,
        email: 'job-lost@example.com',
        username: 'job-lost',
      },
      from: 'Pro',
      to: 'Authenticated',
      reason: 'apply-tag-rules',
    });
    assert.ok(!events.some((e) => e.payload.user.email === 'job-staff@example.com'), 'the staff user is not touched');
  });

  it('a second run changes nothing', async () => {
    const before = await allRoles();
    const seen = events.length;
    const job = await runJob({ type: 'apply-tag-rules' });
    assert.equal(job.status, 'done');
    assert.equal(job.progress.updated, 0);
    assert.equal(job.progress.unchanged, USERS - 1);
    assert.equal(job.progress.skipped, 1);
    assert.ok(job.summary.includes('No user changed role.'), JSON.stringify(job.summary));
    assert.deepEqual(await allRoles(), before);
    assert.equal(events.length, seen, 'no event');
  });

  it('lists the jobs latest first, with a limit', async () => {
    const res = await admin.call('GET', '/customerly/jobs?limit=2');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const jobs = (res.json.data as unknown[]).map((j) => jobSchema.parse(j));
    assert.equal(jobs.length, 2);
    assert.ok(jobs[0]!.createdAt >= jobs[1]!.createdAt);
    assert.deepEqual(jobs[1]!.params, { dryRun: false }, 'the second latest is the first real run');
    const all = await admin.call('GET', '/customerly/jobs');
    assert.equal(all.json.data.length, 3);
    assert.deepEqual(all.json.data.at(-1).params, { dryRun: true }, 'the dry run is the oldest');
  });

  it('one job of a type at a time: two concurrent POSTs give one 201 and one 409 naming it; cancel stops it', async () => {
    const [a, b] = await Promise.all([start({ type: 'apply-tag-rules' }), start({ type: 'apply-tag-rules' })]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [201, 409], `${JSON.stringify(a.json)} ${JSON.stringify(b.json)}`);
    const created = a.status === 201 ? a : b;
    const refused = a.status === 201 ? b : a;
    const id = created.json.data.id as string;
    assert.equal(refused.json.error.status, 409);
    assert.equal(refused.json.error.code, 'job_running');
    assert.equal(refused.json.error.details.code, 'job_running');
    assert.equal(refused.json.error.details.id, id, 'the 409 names the job that holds the slot');
    assert.match(refused.json.error.message, /already (queued|running).*cancel it/);

    await waitFor(async () => (await jobOf(id)).status === 'running', 10_000, 'the job to run');
    const again = await start({ type: 'apply-tag-rules', dryRun: true });
    assert.equal(again.status, 409, 'a dry run is refused too while one runs');

    const cancel = await admin.call('POST', `/customerly/jobs/${id}/cancel`);
    assert.equal(cancel.status, 200, JSON.stringify(cancel.json));
    assert.equal(cancel.json.data.cancelRequested, true);
    const job = await finished(id);
    assert.equal(job.status, 'cancelled');
    assert.ok(job.progress.seen < USERS, `it stopped early (${job.progress.seen} of ${USERS})`);
    assert.ok(job.summary[0]!.startsWith('Cancelled after'), JSON.stringify(job.summary));

    const late = await admin.call('POST', `/customerly/jobs/${id}/cancel`);
    assert.equal(late.status, 409);
    assert.equal(late.json.error.code, 'job_finished');

    // The slot is free again.
    const next = await runJob({ type: 'apply-tag-rules', dryRun: true });
    assert.equal(next.status, 'done');
  });

  it('a queued job is cancelled at once', async () => {
    const worker = app.strapi.plugin('customerly').service('job-worker') as { stop(): Promise<void>; start(): void };
    await worker.stop();
    try {
      const res = await start({ type: 'apply-tag-rules' });
      assert.equal(res.status, 201);
      const cancel = await admin.call('POST', `/customerly/jobs/${res.json.data.id}/cancel`);
      assert.equal(cancel.status, 200);
      assert.equal(cancel.json.data.status, 'cancelled');
      assert.ok(cancel.json.data.finishedAt);
      assert.equal(cancel.json.data.progress.seen, 0);
    } finally {
      worker.start();
    }
    const next = await runJob({ type: 'apply-tag-rules', dryRun: true });
    assert.equal(next.status, 'done', 'a new job runs once the queued one is cancelled');
  });

  it('bad input: 400 with a sentence, 404 for an unknown job', async () => {
    const bad: Array<[unknown, RegExp]> = [
      [{}, /not valid/],
      [{ type: 'nope' }, /not valid/],
      [{ type: 'apply-tag-rules', dryRun: 'yes' }, /not valid/],
      [{ type: 'apply-tag-rules', extra: 1 }, /not valid/],
      [{ type: 'import', mode: 'sync' }, /not valid/],
    ];
    for (const [body, message] of bad) {
      const res = await start(body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${JSON.stringify(res.json)}`);
      assert.match(res.json.error.message, message);
    }
    const imp = await start({ type: 'import', mode: 'sync' });
    assert.deepEqual(
      imp.json.error.details.errors.map((e: { path: string[] }) => e.path),
      [['mode']]
    );
    assert.equal((await admin.call('GET', '/customerly/jobs/nosuchjob')).status, 404);
    assert.equal((await admin.call('GET', '/customerly/jobs/%20bad%20')).status, 404);
    assert.equal((await admin.call('POST', '/customerly/jobs/nosuchjob/cancel')).status, 404);
    assert.equal((await admin.call('GET', '/customerly/jobs?limit=0')).status, 400);
    assert.equal((await admin.call('GET', '/customerly/jobs?limit=abc')).status, 400);
    const preview = await admin.call('POST', '/customerly/jobs/preview', { type: 'import' });
    assert.equal(preview.status, 400);
    assert.match(preview.json.error.message, /no preview/);
    assert.equal((await admin.call('POST', '/customerly/jobs/preview', {})).status, 400);
  });

  it('RBAC: jobs.read reads and previews, only jobs.run starts and cancels', async () => {
    const readerRole = await createRole(app.strapi, 'Job readers', [ACTIONS.jobsRead]);
    const noneRole = await createRole(app.strapi, 'No jobs', [ACTIONS.settingsRead]);
    const r = await createAdmin(app.strapi, { roleId: readerRole.id });
    const n = await createAdmin(app.strapi, { roleId: noneRole.id });
    const reader = await login(app.baseUrl, r.email, r.password);
    const none = await login(app.baseUrl, n.email, n.password);
    const list = await reader.call('GET', '/customerly/jobs');
    assert.equal(list.status, 200);
    const someId = list.json.data[0].id as string;
    assert.equal((await reader.call('GET', `/customerly/jobs/${someId}`)).status, 200);
    assert.equal((await reader.call('POST', '/customerly/jobs/preview', { type: 'apply-tag-rules' })).status, 200);
    assert.equal((await start({ type: 'apply-tag-rules' }, reader)).status, 403);
    assert.equal((await reader.call('POST', `/customerly/jobs/${someId}/cancel`)).status, 403);
    for (const [method, path] of [
      ['GET', '/customerly/jobs'],
      ['GET', `/customerly/jobs/${someId}`],
      ['POST', '/customerly/jobs/preview'],
      ['POST', '/customerly/jobs'],
      ['POST', `/customerly/jobs/${someId}/cancel`],
    ] as const) {
      const body = method === 'POST' ? { type: 'apply-tag-rules' } : undefined;
      assert.equal((await none.call(method, path, body)).status, 403, `${method} ${path}`);
    }
    const count = await app.strapi.db.query('plugin::customerly.job').count({ where: { status: 'queued' } });
    assert.equal(count, 0, 'no job was queued by a refused request');
  });

  it('the job type is hidden from the Content Manager', async () => {
    const res = await admin.call('GET', '/content-manager/content-types');
    assert.equal(res.status, 200);
    const job = (res.json.data as Array<{ uid: string; isDisplayed: boolean }>).find(
      (t) => t.uid === 'plugin::customerly.job'
    );
    assert.ok(!job || job.isDisplayed === false, 'not displayed');
  });
});
