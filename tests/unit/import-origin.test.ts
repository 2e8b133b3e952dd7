/**
 * What marks a delivery stored by an import (services/delivery/origin.ts), and the event id that lets a page done
 * again find the deliveries it stored the first time (services/jobs/import-contact.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { originParams, splitOrigin } from '../../server/src/services/delivery/origin';
import { importEventId } from '../../server/src/services/jobs/import-contact';
import { parseParams } from '../../server/src/services/webhook/params';

describe('import origin on a delivery', () => {
  const origin = {
    source: 'import',
    job: 'abc123',
    list: 'leads',
    page: 3,
    returnPassword: true,
    fetchTags: false,
  } as const;

  it('the import keys are split off, and what is left parses as webhook parameters', () => {
    const stored = { action: 'add', send_notification: false, ...originParams(origin) };
    // The row goes through JSON (the params column) before it is read back.
    const split = splitOrigin(JSON.parse(JSON.stringify(stored)) as Record<string, unknown>);
    assert.deepEqual(split.origin, origin);
    assert.deepEqual(split.params, { action: 'add', send_notification: false });
    const params = parseParams(Object.fromEntries(Object.entries(split.params).map(([k, v]) => [k, String(v)])));
    assert.equal(params.action, 'add');
    assert.equal(params.send_notification, false);
  });

  it("a webhook's parameters have no origin and are left as they are", () => {
    const stored = { action: 'update', role: 'pro', job: 'not-an-import' };
    assert.deepEqual(splitOrigin(stored), { params: stored });
    assert.deepEqual(splitOrigin(null), { params: {} });
  });

  it('a webhook cannot claim to be an import: the intake refuses the parameter', () => {
    assert.throws(() => parseParams({ action: 'add', source: 'import' }), /Unknown parameter "source"/);
  });
});

describe('import event id', () => {
  const place = { jobDocumentId: 'job1', list: 'users' } as const;

  it('the job, the list and the Customerly id: the same contact always gets the same id', () => {
    assert.equal(importEventId(place, { crmhero_user_id: 42 }, 'a@b.co'), 'import-job1-users-42');
    assert.equal(importEventId(place, { crmhero_user_id: 42, name: 'changed' }, 'new@b.co'), 'import-job1-users-42');
    assert.notEqual(
      importEventId({ ...place, list: 'leads' }, { crmhero_user_id: 42 }, 'a@b.co'),
      importEventId(place, { crmhero_user_id: 42 }, 'a@b.co')
    );
    assert.notEqual(
      importEventId({ ...place, jobDocumentId: 'job2' }, { crmhero_user_id: 42 }, 'a@b.co'),
      importEventId(place, { crmhero_user_id: 42 }, 'a@b.co')
    );
  });

  it('without a Customerly id: a hash of the email, short enough for the column', () => {
    const a = importEventId(place, {}, 'someone.with.a.very.long.address@example.com');
    assert.equal(a, importEventId(place, { crmhero_user_id: null }, 'someone.with.a.very.long.address@example.com'));
    assert.notEqual(a, importEventId(place, {}, 'other@example.com'));
    assert.match(a, /^import-job1-users-e[0-9a-f]{24}$/);
    assert.ok(!a.includes('@'), 'the email itself is not in the id');
  });
});
