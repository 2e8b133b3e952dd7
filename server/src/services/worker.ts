import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config/schema';
import type { QueueRow } from './queue';

type QueueConfig = PluginConfig['queue'];

const SWEEP_EVERY_MS = 5_000;
const PRUNE_EVERY_MS = 3_600_000;
/** While webhooks keep arriving, the worker keeps to one delivery at a time, so that answers stay fast. */
const INTAKE_QUIET_MS = 250;

/**
 * The worker each Strapi process runs: it claims due deliveries (at most `queue.concurrency` at once, never two
 * of one contact) and runs them. It wakes at once when this process queues a delivery, and polls otherwise, so
 * deliveries queued by other processes, retries and expired claims are picked up too. Stopping waits for the
 * deliveries in hand.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const svc = (name: string) => strapi.plugin('customerly').service(name);
  const active = new Map<number, Promise<unknown>>();
  const activeContacts = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopping = false;
  let ticking = false;
  let again = false;
  let lastSweep = 0;
  let lastPrune = 0;
  let processed = 0;
  let lastIntakeAt = 0;

  const config = (): QueueConfig => (strapi.config.get('plugin::customerly') as PluginConfig).queue;

  function schedule(ms: number) {
    if (!running || stopping) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), ms);
  }

  async function tick(): Promise<void> {
    if (!running || stopping) return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = true;
    const cfg = config();
    let claimed = 0;
    try {
      const queue = svc('queue');
      const now = Date.now();
      if (now - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = now;
        const back = await queue.requeueExpired();
        if (back) strapi.log.warn(`[customerly] ${back} delivery claim(s) expired (a process stopped mid-delivery): queued again`);
      }
      if (now - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = now;
        const pruned = await queue.prune(cfg.retentionDays);
        if (pruned) strapi.log.info(`[customerly] pruned ${pruned} deliveries older than ${cfg.retentionDays} days`);
      }
      const busyReceiving = Date.now() - lastIntakeAt < INTAKE_QUIET_MS;
      let free = (busyReceiving ? 1 : cfg.concurrency) - active.size;
      if (free > 0) {
        const rows: QueueRow[] = await queue.due(free * 4 + 4);
        for (const row of rows) {
          if (free <= 0 || stopping) break;
          if (active.has(row.id) || (row.contactKey && activeContacts.has(row.contactKey))) continue;
          if (!(await queue.tryClaim(row, cfg.leaseMs))) continue;
          free--;
          claimed++;
          run(row);
        }
      }
    } catch (e) {
      strapi.log.warn(`[customerly] the delivery worker could not read the queue: ${(e as Error).message}`);
    } finally {
      ticking = false;
    }
    if (again || claimed > 0) {
      again = false;
      schedule(0);
    } else if (active.size > 0 && Date.now() - lastIntakeAt < INTAKE_QUIET_MS) {
      // Held back by incoming webhooks: look again when they quieten down.
      schedule(INTAKE_QUIET_MS);
    } else schedule(cfg.pollMs);
  }

  function run(row: QueueRow) {
    if (row.contactKey) activeContacts.add(row.contactKey);
    const p = svc('runner')
      .execute(row)
      .catch((e: Error) => strapi.log.error(`[customerly] delivery ${row.id} crashed the worker: ${e.message}`))
      .finally(() => {
        processed++;
        active.delete(row.id);
        if (row.contactKey) activeContacts.delete(row.contactKey);
        wake();
      });
    active.set(row.id, p);
  }

  function wake() {
    if (!running || stopping) return;
    if (ticking) again = true;
    else schedule(0);
  }

  return {
    start() {
      if (running || !config().enabled) return;
      running = true;
      stopping = false;
      schedule(0);
    },
    wake,
    /** Called for each incoming webhook: the worker gives way to the intake while a burst arrives. */
    noteIntake() {
      lastIntakeAt = Date.now();
    },
    /** Stops claiming, and waits for the deliveries in hand (their claims are released as they finish). */
    async stop(): Promise<void> {
      stopping = true;
      if (timer) clearTimeout(timer);
      await Promise.allSettled([...active.values()]);
      running = false;
    },
    stats: () => ({ running, active: active.size, processed }),
  };
};
