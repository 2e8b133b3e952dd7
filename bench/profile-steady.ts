/**
 * Queued webhooks at a steady rate, one at a time: how far the worker keeps up while they arrive. Not part of the
 * bench: run it by hand.
 *
 *   RATE=10 SECONDS=20 node --import tsx bench/profile-steady.ts
 *
 * Prints how many deliveries were done when the last webhook was answered, when the queue was empty, and the
 * answers' p50 / p99. While webhooks arrive less than INTAKE_QUIET_MS apart, the worker takes one delivery at a time
 * with INTAKE_GAP_MS between two (services/delivery/worker.ts): about 4 a second, whatever the rate.
 */
import { performance } from 'node:perf_hooks';
import { startFakeCustomerly, userWebhook } from '../tests/fake-customerly';
import { createTestDatabase } from '../tests/helpers/database';
import { startStrapi } from '../tests/helpers/strapi';
import { latencies, round } from './timings';

const RATE = Number(process.env.RATE ?? 10);
const SECONDS = Number(process.env.SECONDS ?? 20);
async function main() {
  const fake = await startFakeCustomerly();
  const db = await createTestDatabase('sqlite');
  const app = await startStrapi({
    db,
    apiUrl: fake.url,
    apiToken: fake.token,
    logLevel: 'error',
    pluginConfig: { rateLimit: { enabled: false }, queue: { concurrency: 4, pollMs: 100 } },
  });
  const strapi = app.strapi;
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  for (let i = 0; i < 200; i++)
    await strapi.db.query('plugin::users-permissions.user').create({
      data: {
        username: `s${i}`,
        email: `s${i}@example.com`,
        password: 'x'.repeat(60),
        provider: 'local',
        confirmed: true,
        role: role.id,
      },
    });
  await strapi.plugin('customerly').service('settings').update({ processing: 'queued' });
  const D = 'plugin::customerly.delivery';
  const total = RATE * SECONDS;
  const t0 = performance.now();
  const lat: number[] = [];
  for (let k = 0; k < total; k++) {
    const due = t0 + (k * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const s = performance.now();
    const r = await app.webhook(
      { action: 'update_tags' },
      userWebhook({ email: `s${k % 200}@example.com`, tags: [`t${k % 7}`], attributes: {} })
    );
    lat.push(performance.now() - s);
    if (r.status !== 202) throw new Error(String(r.status));
  }
  const sentIn = (performance.now() - t0) / 1000;
  const doneAtEnd = await strapi.db.query(D).count({ where: { status: 'done' } });
  for (;;) {
    const p = await strapi.db.query(D).count({ where: { status: { $in: ['queued', 'processing'] } } });
    if (!p) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const drained = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      RATE,
      total,
      sentIn: round(sentIn, 1),
      doneWhenSendingEnded: doneAtEnd,
      drainedAfter: round(drained, 1),
      answersMs: latencies(lat),
    })
  );
  await app.stop();
  await db.drop();
  await fake.close();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
