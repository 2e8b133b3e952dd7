import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DELIVERY_STATUSES } from '../../shared/contracts/deliveries';
import { PROCESSING_MODES, USERNAME_FORMATS } from '../../shared/contracts/settings';
import { WEBHOOK_ACTIONS } from '../../shared/contracts/webhook';

const adminSrc = path.resolve(__dirname, '..', '..', 'admin', 'src');
const load = (locale: string): Record<string, string> =>
  JSON.parse(readFileSync(path.join(adminSrc, 'translations', `${locale}.json`), 'utf8'));

describe('admin translations', () => {
  const en = load('en');
  const it_ = load('it');

  it('Italian has exactly the English keys, none empty', () => {
    assert.deepEqual(Object.keys(it_).sort(), Object.keys(en).sort());
    for (const [k, v] of Object.entries({ ...en, ...it_ })) assert.ok(v.trim(), `${k} is empty`);
  });

  it('every key the panel uses exists', () => {
    const used = new Set<string>();
    for (const f of readdirSync(adminSrc, { recursive: true }) as string[]) {
      if (!/\.tsx?$/.test(f)) continue;
      const src = readFileSync(path.join(adminSrc, f), 'utf8');
      for (const m of src.matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) used.add(m[1]!);
    }
    assert.ok(used.size > 50);
    for (const k of used) assert.ok(k in en, `${k} is used but not in en.json`);
  });

  it('every key the panel builds from a shared list exists (status.*, action.*, users.format.*, users.processing.*)', () => {
    const built = [
      ...DELIVERY_STATUSES.map((s) => `status.${s}`),
      ...WEBHOOK_ACTIONS.map((a) => `action.${a}`),
      ...USERNAME_FORMATS.map((f) => `users.format.${f}`),
      ...PROCESSING_MODES.map((p) => `users.processing.${p}`),
    ];
    for (const k of built) assert.ok(k in en, `${k} is built by the panel but not in en.json`);
  });

  it('placeholders match between languages and no message breaks ICU syntax', () => {
    const args = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(en)) {
      assert.deepEqual(args(it_[k]!), args(en[k]!), k);
      assert.ok(!/\{\{|[<>]/.test(en[k]! + it_[k]!), `${k} has {{ or a tag, which react-intl would misread`);
    }
  });
});
