/**
 * A playground Strapi in a process of its own, for the tests that kill a process or run several at once.
 * The parent passes the options as JSON in STRAPI_CHILD_OPTIONS (the database included, so several processes
 * share one). The child prints one line `READY <baseUrl>` when it listens, and stops cleanly on SIGTERM.
 */
import { startStrapi, type StartOptions } from './strapi';
import type { TestDatabase } from './database';

(async () => {
  const { db, ...opts } = JSON.parse(process.env.STRAPI_CHILD_OPTIONS ?? '{}') as StartOptions & {
    db: Omit<TestDatabase, 'drop'>;
  };
  const { baseUrl } = await startStrapi({ ...opts, db: { ...db, drop: async () => undefined } });
  process.stdout.write(`READY ${baseUrl}\n`);
  // SIGTERM: Strapi's own handler (createStrapi's destroyOnSignal) destroys it and exits. A second destroy from here
  // would throw ("Destroy for … has already been called") and end the process before its shutdown is over (e.g.
  // before a job in hand is queued again).
})().catch((e) => {
  process.stderr.write(`child failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
