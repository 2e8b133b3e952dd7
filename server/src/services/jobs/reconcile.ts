import type { Core } from '@strapi/strapi';
import { pluginConfig } from '../../config/read';
import type { PluginConfig } from '../../config/schema';
import { describeError } from '../../utils/describe-error';
import { getService } from '../../utils/get-service';

/** The name of the plugin's task in Strapi's cron. */
export const RECONCILE_TASK = 'customerly-reconcile';
/** Who started a scheduled import, as the Jobs page shows it. */
export const RECONCILE_STARTED_BY = 'reconcile (schedule)';
/** How often each process re-reads the settings, so a schedule saved in another process applies here too. */
const REFRESH_MS = 60_000;

type Reconcile = PluginConfig['reconcile'];

/**
 * The key that makes one scheduled run start one job, however many processes fire it: every process computes the
 * same time for the same tick of the same schedule, to the second.
 */
export const runKeyOf = (fireDate: Date): string => {
  const at = new Date(Math.floor(fireDate.getTime() / 1000) * 1000);
  return `reconcile:${at.toISOString()}`;
};

/**
 * Reconcile (service `reconcile`): an import job on Strapi's cron, to repair what missed webhooks left behind.
 *
 * Every process that runs jobs schedules it (a process that only receives does not), so the schedule survives the
 * loss of any one of them. When the tick comes, each of them asks for an import job with the same run key: the
 * database lets one through (the unique `runKey`, and the job type's active slot while an import runs), the others
 * are told it exists and do nothing. The schedule follows the settings: at once in the process that saves them, and
 * within a minute in the others.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** The schedule in Strapi's cron now (its cron expression), null when none. */
  let scheduled: string | null = null;
  let timer: NodeJS.Timeout | undefined;

  const runsJobs = () => {
    const config = pluginConfig(strapi);
    return config.queue.enabled && config.jobs.enabled;
  };

  const unschedule = () => {
    if (scheduled === null) return;
    strapi.cron.remove(RECONCILE_TASK);
    scheduled = null;
  };

  const settings = async (): Promise<Reconcile> => (await getService(strapi, 'settings').get()).reconcile;

  /** Starts the import for one tick of the schedule; what happened, for the log and the tests. */
  async function fire(fireDate: Date = new Date()): Promise<'started' | 'exists' | 'running' | 'off'> {
    const current = await settings();
    if (!current.enabled) return 'off';
    const request = {
      type: 'import' as const,
      source: 'both' as const,
      mode: current.mode,
      dryRun: false,
      welcomeEmail: false,
      returnPassword: false,
      fetchTags: false,
    };
    const result = await getService(strapi, 'jobs').start(request, RECONCILE_STARTED_BY, runKeyOf(fireDate));
    switch (result.kind) {
      case 'created':
        strapi.log.info(`[customerly] reconcile: import job ${result.job.id} queued (mode ${current.mode})`);
        return 'started';
      case 'duplicate':
        return 'exists';
      case 'running':
        strapi.log.info(
          `[customerly] reconcile: skipped, an import job (${result.job.id}) is already ${result.job.status}`
        );
        return 'running';
      default:
        return 'off';
    }
  }

  /** Puts the schedule of the settings in Strapi's cron (or takes it out), when it changed. */
  async function refresh(): Promise<void> {
    const current = runsJobs() ? await settings() : null;
    const wanted = current?.enabled ? current.cron : null;
    if (wanted === scheduled) return;
    unschedule();
    if (wanted === null) return;
    strapi.cron.add({
      [RECONCILE_TASK]: {
        task: async (_context, ...args) => {
          const [fireDate] = args;
          await fire(fireDate instanceof Date ? fireDate : new Date()).catch((e: unknown) =>
            strapi.log.error(`[customerly] reconcile: could not queue the import: ${describeError(e)}`)
          );
        },
        options: { rule: wanted },
      },
    });
    scheduled = wanted;
  }

  return {
    fire,
    refresh,

    /** The next time this process will fire the schedule, or null when it has none. */
    nextRun(): Date | null {
      if (scheduled === null) return null;
      const spec = strapi.cron.jobs.find((j) => (j as { name?: string | null }).name === RECONCILE_TASK);
      const next = (spec?.job as { nextInvocation?: () => unknown } | undefined)?.nextInvocation?.();
      if (next instanceof Date) return next;
      // node-schedule (older Strapi 5 releases) answers a CronDate.
      const asDate = (next as { toDate?: () => Date } | null | undefined)?.toDate?.();
      return asDate instanceof Date ? asDate : null;
    },

    async start(): Promise<void> {
      await refresh();
      timer = setInterval(() => {
        refresh().catch((e: unknown) =>
          strapi.log.warn(`[customerly] reconcile: could not read the schedule: ${describeError(e)}`)
        );
      }, REFRESH_MS);
      timer.unref();
    },

    stop(): void {
      if (timer) clearInterval(timer);
      timer = undefined;
      unschedule();
    },
  };
};
