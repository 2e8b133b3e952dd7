import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cronProblem } from '../../shared/contracts/cron';
import { pluginConfigSchema } from '../../server/src/config/schema';
import { runKeyOf } from '../../server/src/services/jobs/reconcile';

describe('cron expressions (reconcile.cron)', () => {
  it('accepts what Strapi runs: 5 or 6 fields, *, numbers, ranges, steps, lists, names', () => {
    for (const ok of [
      '0 3 * * *',
      '*/15 * * * *',
      '0 0-6/2 * * MON-FRI',
      '30 2 1,15 * *',
      '0 4 * JAN,JUL SUN',
      '0 0 * * 7',
      '*/5 * * * * *',
      '  0  3 * * *  ',
    ]) {
      assert.equal(cronProblem(ok), null, ok);
    }
  });

  it('refuses the rest with a sentence naming the field', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /5 fields/],
      ['daily', /5 fields.*has 1/],
      ['0 3 * *', /has 4/],
      ['0 3 * * * * *', /has 7/],
      ['60 3 * * *', /minute field "60"/],
      ['0 24 * * *', /hour field/],
      ['0 3 0 * *', /day of month field/],
      ['0 3 * 13 *', /month field/],
      ['0 3 * * 8', /day of week field/],
      ['0 3 * * FOO', /day of week field/],
      ['*/0 3 * * *', /minute field/],
      ['5-1 3 * * *', /minute field/],
      ['0 3 * * 1,,2', /day of week field/],
      ['0 3 * * 1/2/3', /day of week field/],
      ['60 0 3 * * *', /second field/],
    ];
    for (const [bad, message] of cases) assert.match(cronProblem(bad) ?? 'accepted', message, bad);
  });

  it('the config refuses a bad schedule naming reconcile.cron, and defaults to 03:00, update, off', () => {
    const base = { apiUrl: 'https://api.customerly.io/v1' };
    const parsed = pluginConfigSchema.safeParse({ ...base, reconcile: { enabled: true, cron: '0 25 * * *' } });
    assert.equal(parsed.success, false);
    assert.deepEqual(
      parsed.error?.issues.map((i) => i.path.join('.')).filter((p) => p.startsWith('reconcile')),
      ['reconcile.cron']
    );
    assert.deepEqual(pluginConfigSchema.parse(base).reconcile, { enabled: false, cron: '0 3 * * *', mode: 'update' });
    assert.equal(pluginConfigSchema.safeParse({ ...base, reconcile: { mode: 'delete' } }).success, false);
  });

  it('one run key per tick of the schedule, whatever the milliseconds each process sees', () => {
    const a = runKeyOf(new Date('2026-12-06T03:00:00.000Z'));
    assert.equal(a, 'reconcile:2026-12-06T03:00:00.000Z');
    assert.equal(runKeyOf(new Date('2026-12-06T03:00:00.999Z')), a);
    assert.notEqual(runKeyOf(new Date('2026-12-07T03:00:00.000Z')), a);
  });
});
