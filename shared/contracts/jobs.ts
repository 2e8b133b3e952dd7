import { z } from 'zod';

/**
 * Jobs: long work stored as `plugin::customerly.job`, run by any live Strapi process, one of a type at a time
 * (product.md, "Jobs"). The admin API: POST/GET /customerly/jobs, GET /customerly/jobs/:id,
 * POST /customerly/jobs/:id/cancel, and POST /customerly/jobs/preview (what a job would change, nothing written).
 */
export const JOB_TYPES = ['import', 'apply-tag-rules'] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const IMPORT_SOURCES = ['users', 'leads', 'both'] as const;
export const IMPORT_MODES = ['create', 'update'] as const;

/** `POST /customerly/jobs` body. */
export const jobRequestSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('import'),
      source: z.enum(IMPORT_SOURCES).default('both'),
      mode: z.enum(IMPORT_MODES).default('update'),
      dryRun: z.boolean().default(false),
      welcomeEmail: z.boolean().default(false),
      returnPassword: z.boolean().default(false),
      fetchTags: z.boolean().default(false),
    })
    .strict(),
  z.object({ type: z.literal('apply-tag-rules'), dryRun: z.boolean().default(false) }).strict(),
]);
export type JobRequest = z.output<typeof jobRequestSchema>;

export const jobProgressSchema = z.object({
  seen: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  skipped: z.number(),
  failed: z.number(),
  /** The total when it is known (e.g. the number of users to check), for the progress bar and the time left. */
  total: z.number().nullable(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

export const jobFailureSchema = z.object({ key: z.string(), reason: z.string() });

/** A job as the admin API answers it. */
export const jobSchema = z.object({
  id: z.string(),
  type: z.enum(JOB_TYPES),
  status: z.enum(JOB_STATUSES),
  params: z.record(z.string(), z.unknown()),
  progress: jobProgressSchema,
  /** A sample of what failed, with why (at most 50). */
  failures: z.array(jobFailureSchema),
  /** A summary in words once finished (e.g. what changed to which role), or notes such as missing tags. */
  summary: z.array(z.string()),
  startedBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().optional(),
  /** A cancel was asked for: a running job stops after the batch in hand. */
  cancelRequested: z.boolean().optional(),
});
export type Job = z.infer<typeof jobSchema>;

export const jobAnswer = z.object({ data: jobSchema });
export const jobListAnswer = z.object({ data: z.array(jobSchema) });
/** `POST /customerly/jobs` → 201 `{ data: { id, status } }`; 409 `{ error: { details: { code: 'job_running', id } } }`. */
export const jobCreatedAnswer = z.object({ data: z.object({ id: z.string(), status: z.enum(JOB_STATUSES) }) });

/** `POST /customerly/jobs/preview` `{ type: 'apply-tag-rules' }`: how many users would change, to which role. */
export const tagRulesPreviewAnswer = z.object({
  data: z.object({
    checked: z.number(),
    changes: z.number(),
    /** Per target role type: how many users would move to it. */
    byRole: z.array(z.object({ role: z.string(), name: z.string(), count: z.number() })),
    warnings: z.array(z.string()),
  }),
});
export type TagRulesPreview = z.infer<typeof tagRulesPreviewAnswer>['data'];
