import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { getService } from '../utils/get-service';
import { errorBody, WebhookError } from '../services/webhook/answers';
import { parseInput, validationError } from '../validation/errors';
import {
  jobIdSchema,
  jobListQuerySchema,
  jobRequestBodySchema,
  jobTypeSchema,
  previewBodySchema,
} from '../validation/jobs';

const notFound = () => new errors.NotFoundError('No job has this id: pick one from the list of jobs.');

const REQUEST_HELP =
  'send {"type": "apply-tag-rules"} or {"type": "import", "source": "users" | "leads" | "both", "mode": "create" | "update"}, optionally with "dryRun": true';

/** Thin: the jobs admin API (services/jobs). */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const jobs = () => getService(strapi, 'jobs');
  const idOf = (ctx: Context): string => {
    const parsed = jobIdSchema.safeParse(String(ctx.params.id ?? ''));
    if (!parsed.success) throw notFound();
    return parsed.data;
  };

  return {
    /** Queues a job: 201 `{data: {id, status}}`; 409 `job_running` when one of its type is queued or running. */
    async create(ctx: Context) {
      const body: unknown = ctx.request.body ?? {};
      parseInput(jobTypeSchema, body, `The job request is not valid: ${REQUEST_HELP}.`);
      const request = parseInput(jobRequestBodySchema, body, `The job request is not valid: ${REQUEST_HELP}.`);
      const startedBy = (ctx.state.user as { email?: unknown } | undefined)?.email;
      const result = await jobs().start(request, typeof startedBy === 'string' ? startedBy : null);
      if (result.kind === 'unavailable') {
        const message = `Jobs of type "${result.type}" are not available in this version of the plugin.`;
        throw validationError(message, [{ path: ['type'], message }]);
      }
      if (result.kind === 'running') {
        const { job } = result;
        ctx.status = 409;
        ctx.body = errorBody(
          409,
          'job_running',
          `A job of type "${job.type}" is already ${job.status} (${job.id}): wait for it to finish, or cancel it, then start a new one.`,
          undefined,
          { code: 'job_running', id: job.id, status: job.status }
        );
        return;
      }
      ctx.status = 201;
      ctx.body = { data: { id: result.job.id, status: result.job.status } };
    },

    /** The latest jobs first (`limit`, default 20). */
    async find(ctx: Context) {
      const { limit } = parseInput(jobListQuerySchema, ctx.query ?? {}, 'The list request is not valid: see "limit".');
      ctx.body = { data: await jobs().list(limit) };
    },

    async findOne(ctx: Context) {
      const job = await jobs().findOne(idOf(ctx));
      if (!job) throw notFound();
      ctx.body = { data: job };
    },

    /** A queued job is cancelled at once; a running one stops after its batch in hand. 409 when already finished. */
    async cancel(ctx: Context) {
      const { result, job } = await jobs().cancel(idOf(ctx));
      if (result === 'unknown' || !job) throw notFound();
      if (result === 'finished') {
        ctx.status = 409;
        ctx.body = errorBody(
          409,
          'job_finished',
          `The job has already finished (${job.status}): there is nothing to cancel.`,
          undefined,
          { code: 'job_finished', id: job.id, status: job.status }
        );
        return;
      }
      ctx.body = { data: job };
    },

    /** What `apply-tag-rules` would change now, writing nothing. */
    async preview(ctx: Context) {
      const { type } = parseInput(
        previewBodySchema,
        ctx.request.body ?? {},
        'The preview request is not valid: send {"type": "apply-tag-rules"}.'
      );
      try {
        const preview = await jobs().preview(type);
        if (!preview) {
          const message = `Jobs of type "${type}" have no preview: only "apply-tag-rules" has one.`;
          throw validationError(message, [{ path: ['type'], message }]);
        }
        ctx.body = { data: preview };
      } catch (e) {
        // The settings cannot be applied (e.g. the default role does not exist): say which, as the webhook does.
        if (!(e instanceof WebhookError)) throw e;
        ctx.status = e.status;
        ctx.body = errorBody(e.status, e.code, e.message);
      }
    },
  };
};
