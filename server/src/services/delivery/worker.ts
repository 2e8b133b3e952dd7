import type { Core } from '@strapi/strapi';
import { pluginConfig } from '../../config/read';
import type { PluginConfig } from '../../config/schema';
import { getService } from '../../utils/get-service';
import { HEARTBEAT, type QueueRow } from './queue';

type QueueConfig = PluginConfig['queue'];

const SWEEP_EVERY_MS = 5_000;
const PRUNE_EVERY_MS = 3_600_000;
/**
 * While webhooks keep arriving (one in the last INTAKE_QUIET_MS), the worker keeps to one delivery at a time and
 * leaves INTAKE_GAP_MS between two, so that answers stay fast: on SQLite every statement and commit of a delivery
 * holds the process's thread, and a burst's answers waited for them (`npm run bench`, figure 3). The queue still
 * moves during a burst, and at full concurrency once it is over.
 */
const INTAKE_QUIET_MS = 250;
const INTAKE_GAP_MS = 250;

/**
 * The worker each Strapi process runs: it claims due deliveries (at most `queue.concurrency` at once, never two
 * of one contact) and runs them. It wakes at once when this process queues a delivery, and polls otherwise, so
 * deliveries queued by other processes, retries and expired claims are picked up too. Stopping waits for the
 * deliveries in hand.
 *
 * Heartbeat: every process writes its heartbeat row (queue.beat) every HEARTBEAT.everyMs and, at each beat, takes
 * over the claims and contact locks of processes whose heartbeat is stale (queue.takeOverStale). This runs also when
 * `queue.enabled` is false: such a process still claims deliveries, for the synchronous webhooks it receives (and
 * their replays), so it must show it is alive, and it may as well put a dead process's work back in the queue for
 * the workers of the others. The heartbeat has its own timer, so a busy worker still beats. A clean stop removes
 * the row once the deliveries in hand are finished.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const queue = () => getService(strapi, 'queue');
  const active = new Map<number, Promise<unknown>>();
  const activeContacts = new Set<string>();
  /** Outbound upserts in hand: while one runs, it takes the other due upserts with it (one batch at a time). */
  let upsertsActive = 0;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let running = false;
  let stopping = false;
  let ticking = false;
  let again = false;
  let lastSweep = 0;
  let lastPrune = 0;
  let lastIntakeAt = 0;
  /** When the last delivery in hand ended (for INTAKE_GAP_MS). */
  let lastRunEndedAt = 0;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let heartbeating = false;
  let beatInFlight: Promise<void> | undefined;
  /** Whether the last heartbeat failed (logged once per outage, not at every beat). */
  let beatFailing = false;

  const config = (): QueueConfig => pluginConfig(strapi).queue;

  function cancel() {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = immediate = undefined;
  }

  function schedule(ms: number) {
    if (!running || stopping) return;
    cancel();
    // "At once" is the next turn of the event loop after its I/O (setImmediate), never a 0 ms timer: on SQLite a
    // delivery runs without any I/O wait (the driver is synchronous), so a chain of 0 ms timers, each due again by
    // the time the last one ends, would keep Node in its timers phase and leave the webhook requests unread.
    if (ms <= 0) immediate = setImmediate(() => void tick());
    else timer = setTimeout(() => void tick(), ms);
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
    /** When this look was held back only by the gap between two deliveries during a burst: when to look again. */
    let gapEndsAt = 0;
    try {
      const now = Date.now();
      if (now - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = now;
        const back = await queue().requeueExpired();
        if (back)
          strapi.log.warn(
            `[customerly] ${back} delivery claim(s) expired (a process stopped mid-delivery): queued again`
          );
      }
      if (now - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = now;
        const pruned = await queue().prune(cfg.retentionDays);
        if (pruned) strapi.log.info(`[customerly] pruned ${pruned} deliveries older than ${cfg.retentionDays} days`);
      }
      const busyReceiving = Date.now() - lastIntakeAt < INTAKE_QUIET_MS;
      const gapLeft = busyReceiving ? lastRunEndedAt + INTAKE_GAP_MS - Date.now() : 0;
      if (gapLeft > 0 && active.size === 0) gapEndsAt = lastRunEndedAt + INTAKE_GAP_MS;
      let free = (busyReceiving ? (gapLeft > 0 ? 0 : 1) : cfg.concurrency) - active.size;
      if (free > 0) {
        const rows: QueueRow[] = await queue().due(free * 4 + 4);
        for (const row of rows) {
          if (free <= 0 || stopping) break;
          if (active.has(row.id) || (row.contactKey && activeContacts.has(row.contactKey))) continue;
          if (row.action === 'upsert' && upsertsActive > 0) continue;
          if (!(await queue().tryClaim(row, cfg.leaseMs))) continue;
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
    } else if (gapEndsAt) {
      // Held back by incoming webhooks: look again once the gap is over.
      schedule(Math.min(Math.max(gapEndsAt - Date.now(), 1), cfg.pollMs));
    } else {
      // Nothing due, or all in hand: poll. A delivery queued here, and the end of one in hand, wake the worker at
      // once. (Not sooner while webhooks arrive: synchronous ones are not due, and looking every millisecond for
      // them cost more than a tenth of each webhook's time.)
      schedule(cfg.pollMs);
    }
  }

  function run(row: QueueRow) {
    if (row.contactKey) activeContacts.add(row.contactKey);
    const upsert = row.action === 'upsert';
    if (upsert) upsertsActive++;
    const p = getService(strapi, 'runner')
      .execute(row)
      .catch((e: Error) => strapi.log.error(`[customerly] delivery ${row.id} crashed the worker: ${e.message}`))
      .finally(() => {
        lastRunEndedAt = Date.now();
        active.delete(row.id);
        if (upsert) upsertsActive--;
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

  /** One heartbeat: this process's row, then the takeover of stale processes. Never throws. */
  async function heartbeat(): Promise<void> {
    try {
      if (!(await queue().beat())) {
        strapi.log.warn(
          `[customerly] this process (${queue().processId}) missed its heartbeats for over ${HEARTBEAT.staleAfterMs / 1000} s and another process took over its claims; it goes on beating`
        );
      }
      const taken = await queue().takeOverStale(HEARTBEAT.staleAfterMs);
      for (const t of taken) {
        strapi.log.warn(
          `[customerly] process ${t.processId} stopped beating ${Math.round((Date.now() - t.lastBeatAt) / 1000)} s ago: ` +
            `${t.requeued} of its deliveries queued again, ${t.locksReleased} contact lock(s) released`
        );
      }
      if (taken.some((t) => t.requeued > 0)) wake();
      if (beatFailing) strapi.log.info('[customerly] the heartbeat is written again');
      beatFailing = false;
    } catch (e) {
      if (!beatFailing)
        strapi.log.warn(`[customerly] could not write this process's heartbeat: ${(e as Error).message}`);
      beatFailing = true;
    }
  }

  function scheduleHeartbeat() {
    if (!heartbeating) return;
    heartbeatTimer = setTimeout(() => {
      beatInFlight = heartbeat().finally(() => {
        beatInFlight = undefined;
        scheduleHeartbeat();
      });
    }, HEARTBEAT.everyMs);
    // The heartbeat alone never keeps the process alive.
    heartbeatTimer.unref();
  }

  return {
    /**
     * Starts the heartbeat (always: see above), after a first beat, so that this process is known before it
     * answers a request; then the worker, unless queue.enabled is false.
     */
    async start(): Promise<void> {
      if (!heartbeating) {
        heartbeating = true;
        beatInFlight = heartbeat().finally(() => {
          beatInFlight = undefined;
        });
        await beatInFlight;
        scheduleHeartbeat();
      }
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
      cancel();
      await Promise.allSettled([...active.values()]);
      running = false;
      if (heartbeating) {
        heartbeating = false;
        if (heartbeatTimer) clearTimeout(heartbeatTimer);
        await beatInFlight;
        // Nothing of this process is left to take over: its row goes.
        await queue()
          .forgetProcess()
          .catch((e: Error) =>
            strapi.log.warn(`[customerly] could not remove this process's heartbeat row: ${e.message}`)
          );
      }
    },
  };
};
