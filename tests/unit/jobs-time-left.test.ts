/**
 * The Jobs page's time left (admin/src/pages/Jobs/timeLeft.ts): the pace so far applied to what is left, and no
 * estimate where there is nothing to go on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationParts, estimateSecondsLeft, itemsPerMinute } from '../../admin/src/pages/Jobs/timeLeft';

const START = '2025-01-01T10:00:00.000Z';
const at = (seconds: number) => Date.parse(START) + seconds * 1000;

describe('jobs: time left', () => {
  it('applies the pace so far to what is left', () => {
    // 10 of 40 in 20 s: 2 s each, 30 left → 60 s.
    assert.equal(estimateSecondsLeft({ seen: 10, total: 40 }, START, at(20)), 60);
    // Faster later: 30 of 40 in 30 s → 10 s.
    assert.equal(estimateSecondsLeft({ seen: 30, total: 40 }, START, at(30)), 10);
    assert.equal(estimateSecondsLeft({ seen: 40, total: 40 }, START, at(30)), 0);
    assert.equal(estimateSecondsLeft({ seen: 45, total: 40 }, START, at(30)), 0, 'more seen than the total: none left');
  });

  it('gives no estimate without a total, before the first item, without a start, or with a start in the future', () => {
    assert.equal(estimateSecondsLeft({ seen: 10, total: null }, START, at(20)), null);
    assert.equal(estimateSecondsLeft({ seen: 0, total: 40 }, START, at(20)), null);
    assert.equal(estimateSecondsLeft({ seen: 10, total: 40 }, null, at(20)), null);
    assert.equal(estimateSecondsLeft({ seen: 10, total: 40 }, START, at(-5)), null);
    assert.equal(estimateSecondsLeft({ seen: 10, total: 40 }, 'not a date', at(20)), null);
  });

  it('without a total (an import), the pace: items a minute so far', () => {
    assert.equal(itemsPerMinute(100, START, at(30)), 200);
    assert.equal(itemsPerMinute(0, START, at(30)), null);
    assert.equal(itemsPerMinute(10, null, at(30)), null);
    assert.equal(itemsPerMinute(10, START, at(-1)), null);
  });

  it('reads in seconds, then minutes, then hours', () => {
    assert.deepEqual(durationParts(0.2), { value: 1, unit: 'second' });
    assert.deepEqual(durationParts(42.1), { value: 43, unit: 'second' });
    assert.deepEqual(durationParts(60), { value: 1, unit: 'minute' });
    assert.deepEqual(durationParts(150), { value: 3, unit: 'minute' });
    assert.deepEqual(durationParts(5400), { value: 1.5, unit: 'hour' });
  });
});
