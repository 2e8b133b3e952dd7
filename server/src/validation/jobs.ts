import { z } from 'zod';
import { JOB_TYPES, jobRequestSchema } from '../../../shared/contracts/jobs';

const typeError = `one of ${JOB_TYPES.map((t) => `"${t}"`).join(', ')}`;

/** The job type alone, checked first so that a missing or unknown type gets its own message. */
export const jobTypeSchema = z
  .object(
    { type: z.enum(JOB_TYPES, { error: typeError }) },
    { error: 'a JSON object such as {"type": "apply-tag-rules"}' }
  )
  .passthrough();

/** `POST /customerly/jobs`: the request as shared/contracts/jobs.ts defines it (unknown fields refused). */
export const jobRequestBodySchema = jobRequestSchema;

/** `POST /customerly/jobs/preview`: `{"type": "apply-tag-rules"}`. */
export const previewBodySchema = z
  .object(
    { type: z.enum(JOB_TYPES, { error: typeError }) },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: only "type" is accepted`
          : 'a JSON object such as {"type": "apply-tag-rules"}',
    }
  )
  .strict();

/** `GET /customerly/jobs?limit=`: the latest jobs first. */
export const JOB_LIST_LIMIT = { default: 20, max: 100 } as const;
export const jobListQuerySchema = z
  .object({
    limit: z.coerce
      .number({ error: 'a whole number' })
      .int('a whole number')
      .min(1, 'at least 1')
      .max(JOB_LIST_LIMIT.max, `at most ${JOB_LIST_LIMIT.max}`)
      .default(JOB_LIST_LIMIT.default),
  })
  .strip();

/** A job id in a route (`/jobs/:id`, its documentId): anything else names no job (404). */
export const jobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
