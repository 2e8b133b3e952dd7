/**
 * A V8 CPU profile (node:inspector's Profiler) summarised by what the time was spent in: bcrypt, knex, SQLite,
 * Strapi, this plugin, GC... For the hand-run profilers (bench/profile-*.ts).
 */
import { round } from './timings';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}
export function category(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'program (native, unattributed)';
  if (url.includes('bcryptjs')) return 'bcryptjs';
  if (url.includes('better-sqlite3')) return 'better-sqlite3';
  if (url.includes('/knex/')) return 'knex';
  if (url.includes('@strapi/database')) return '@strapi/database';
  if (url.includes('@strapi/core')) return '@strapi/core';
  if (url.includes('@strapi/utils')) return '@strapi/utils';
  if (url.includes('@strapi/plugin-users-permissions')) return 'users-permissions';
  if (url.includes('/dist/server/')) return 'this plugin';
  if (url.includes('/node_modules/zod/')) return 'zod';
  if (url.includes('lodash')) return 'lodash';
  if (url.includes('/node_modules/')) return `other: ${url.split('/node_modules/').pop()!.split('/')[0]}`;
  if (url.includes('undici')) return 'undici (fetch)';
  if (url.startsWith('node:')) return 'node internals';
  if (url === '') return 'native';
  return 'other';
}
export function summarize(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const pluginFns = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const node = byId.get(id)!;
    const selfCat = category(node.callFrame);
    self.set(selfCat, (self.get(selfCat) ?? 0) + dt);
    const cats = new Set<string>();
    const fns = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      cats.add(category(f));
      if (f.url.includes('/dist/server/')) fns.add(`${f.functionName || '(anonymous)'}:${f.lineNumber + 1}`);
    }
    for (const c of cats) inclusive.set(c, (inclusive.get(c) ?? 0) + dt);
    for (const f of fns) pluginFns.set(f, (pluginFns.get(f) ?? 0) + dt);
  });
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), share: round(ms / total, 3) }));
  return {
    totalMs: Math.round(total),
    self: top(self, 20),
    inclusive: top(inclusive, 20),
    pluginFns: top(pluginFns, 30),
  };
}
