import type { Core } from '@strapi/strapi';
import { pluginConfig } from '../../config/read';
import type { PluginConfig } from '../../config/schema';
import { describeError } from '../../utils/describe-error';
import { getService } from '../../utils/get-service';
import { HEARTBEAT } from '../delivery/heartbeats';
import { runJob } from './runner';
import { createJobStore } from './store';
import type { StoredJob } from './types';

type JobsConfig = PluginConfig['jobs'];

/**
 * The job worker each Strapi process runs (service `job-worker`), next to the delivery worker. Every `jobs.pollMs`
 * (and at once when this process queues a job) it:
 *  - takes over the running jobs whose process is dead: held by a process with no fresh heartbeat (older than
 *    HEARTBEAT.staleAfterMs, or its row already removed by a takeover of its deliveries). The claim moves with a
 *    conditional update, so one live process wins; it goes on from the job's stored cursor. A job is back in work at
 *    most staleAfterMs + pollMs after the last heartbeat of its process (about 17 s by default);
 *  - claims queued jobs (a conditional update: one process wins each) and runs them.
 * Processes whose queue is disabled (`queue.enabled: false`, nodes that only receive) or with `jobs.enabled: false`
 * run no job. Stopping lets each job finish its batch in hand, then queues it again for another process.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = createJobStore(strapi);
  const processId = () => getService(strapi, 'queue').processId;
  const config = (): JobsConfig => pluginConfig(strapi).jobs;
  const active = new Map<number, Promise<void>>();
  const sleepers = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopping = false;
  let ticking = false;
  let again = false;
  let failing = false;
  let tickInFlight: Promise<void> | undefined;

  function schedule(ms: number) {
    if (!running || stopping) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      tickInFlight = tick().finally(() => {
        tickInFlight = undefined;
      });
    }, ms);
  }

  /** Waits `ms`, or less when the worker stops. */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      sleepers.add(done);
      if (stopping) done();
    });

  function start(job: StoredJob) {
    const p = runJob({ strapi, store, processId: processId(), config, stopping: () => stopping, sleep }, job)
      .catch((e: unknown) => {
        strapi.log.error(`[customerly] job ${job.documentId} crashed: ${describeError(e)}`);
      })
      .finally(() => {
        active.delete(job.id);
        wake();
      });
    active.set(job.id, p);
  }

  /** Running jobs whose process is dead (or this one, when its runner is gone): taken over here. */
  async function takeOverOrphans(me: string): Promise<void> {
    const runningJobs = (await store.running()).filter((j) => !active.has(j.id));
    if (!runningJobs.length) return;
    const live = await store.liveProcessIds(HEARTBEAT.staleAfterMs);
    for (const job of runningJobs) {
      if (stopping) return;
      const mine = job.claimedBy === me;
      if (!mine && job.claimedBy && live.has(job.claimedBy)) continue;
      if (!mine && !(await store.takeOver(job, me))) continue;
      const fresh = await store.findById(job.id);
      if (!fresh || fresh.status !== 'running' || fresh.claimedBy !== me) continue;
      strapi.log.warn(
        `[customerly] job ${job.documentId} (${job.type}) was held by ${mine ? 'this process, which lost its runner' : `process ${job.claimedBy ?? '(none)'}, whose heartbeat stopped`}: ` +
          `this process goes on from its last saved batch (${fresh.counts.seen} items done)`
      );
      start(fresh);
    }
  }

  async function claimQueued(me: string): Promise<void> {
    for (const job of await store.queued(5)) {
      if (stopping || active.has(job.id)) continue;
      if (!(await store.claimQueued(job, me))) continue;
      const fresh = await store.findById(job.id);
      if (fresh && fresh.status === 'running' && fresh.claimedBy === me) start(fresh);
    }
  }

  async function tick(): Promise<void> {
    if (!running || stopping) return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = true;
    try {
      const me = processId();
      await takeOverOrphans(me);
      await claimQueued(me);
      if (failing) strapi.log.info('[customerly] the job worker reads the jobs again');
      failing = false;
    } catch (e) {
      if (!failing) strapi.log.warn(`[customerly] the job worker could not read the jobs: ${describeError(e)}`);
      failing = true;
    } finally {
      ticking = false;
    }
    if (again) {
      again = false;
      schedule(0);
    } else schedule(config().pollMs);
  }

  function wake() {
    if (!running || stopping) return;
    if (ticking) again = true;
    else schedule(0);
  }

  return {
    store,
    /** Starts polling (after the delivery worker's first heartbeat: this process is known as live). */
    start(): void {
      const cfg = pluginConfig(strapi);
      if (running || !cfg.queue.enabled || !cfg.jobs.enabled) return;
      running = true;
      stopping = false;
      schedule(0);
    },
    /** Looks for work now (a job was just queued in this process). */
    wake,
    /** Stops claiming; each job in hand finishes its batch and is queued again for another process. */
    async stop(): Promise<void> {
      stopping = true;
      if (timer) clearTimeout(timer);
      for (const wakeUp of [...sleepers]) wakeUp();
      await tickInFlight;
      await Promise.allSettled([...active.values()]);
      running = false;
    },
  };
};
