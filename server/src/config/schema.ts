import { z } from 'zod';
import { MAPPING_TYPES, PROCESSING_MODES, TAG_RULES_MAX, USERNAME_FORMATS } from '../../../shared/contracts/settings';
import { cronProblem } from '../../../shared/contracts/cron';
import { IMPORT_MODES } from '../../../shared/contracts/jobs';
import { MAPPING_DIRECTIONS, OUTBOUND_USER_IDS } from '../../../shared/contracts/outbound';
import { IDENTITY_FIELDS, PASSWORD_TARGET, includes } from '../constants';

/**
 * The plugin's configuration, as given in `config/plugins.(js|ts)` under `customerly.config`.
 * Values saved in the admin panel win over these; environment variables win over both for the secrets and the API
 * URL (see services/settings/store.ts).
 */

const attributeName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a content-type attribute name (letters, digits, underscore)');

/** A cron expression that every Strapi 5 release runs (shared/contracts/cron.ts). */
export const cronExpression = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** The nightly import that repairs what missed webhooks left behind (services/jobs/reconcile.ts). */
export const reconcileSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** When, on Strapi's cron, in the server's time zone. */
    cron: cronExpression.default('0 3 * * *'),
    /** `update`: only users that exist; `create`: new contacts become users too. */
    mode: z.enum(IMPORT_MODES).default('update'),
  })
  .strict();

export const fieldMappingRowSchema = z
  .object({
    from: z.string().min(1, "a Customerly field such as 'name' or 'attributes.plan'"),
    to: attributeName,
    type: z.enum(MAPPING_TYPES).default('string'),
    /** Write empty values (null, '') too; by default they are skipped. */
    writeEmpty: z.boolean().default(false),
    /** `in` (the default, also when absent): Customerly → Strapi; `out`: Strapi → Customerly (outbound); `both`. */
    direction: z.enum(MAPPING_DIRECTIONS).optional(),
  })
  .strict()
  // The contact's identity fields are stored in clear, so they can never be a password source.
  .refine((row) => row.to !== PASSWORD_TARGET || !includes(IDENTITY_FIELDS, row.from), {
    message:
      "the password (user_pass) cannot come from the contact's email, ids or tags: map a Customerly attribute instead",
    path: ['from'],
  })
  // Outbound rows write the user's value to Customerly: never a password, and only to the name or an attribute.
  .refine((row) => (row.direction ?? 'in') === 'in' || row.to !== PASSWORD_TARGET, {
    message: 'the password (user_pass) is never written to Customerly: set this row\'s direction to "in"',
    path: ['direction'],
  })
  .refine((row) => (row.direction ?? 'in') === 'in' || row.from === 'name' || /^attributes\.[^.]+$/.test(row.from), {
    message: "only 'name' or 'attributes.<name>' can be written to Customerly: set this row's direction to \"in\"",
    path: ['direction'],
  });

/** Strapi → Customerly (product.md, "Outbound"): off by default. */
export const outboundSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** A user created in Strapi (any path) is upserted in Customerly. */
    onCreate: z.boolean().default(true),
    /** A change of the email or of an `out`/`both` mapped field is upserted. */
    onUpdate: z.boolean().default(true),
    /** Tags connected or disconnected in Strapi are tagged / untagged in Customerly. */
    onTags: z.boolean().default(true),
    /** A deleted user is deleted in Customerly (`DELETE /users?email=`). */
    onDelete: z.boolean().default(false),
    /** What is sent as Customerly's `user_id`: the user's id, documentId, or nothing. */
    userId: z.enum(OUTBOUND_USER_IDS).default('id'),
  })
  .strict();
export const OUTBOUND_DEFAULTS = {
  enabled: false,
  onCreate: true,
  onUpdate: true,
  onTags: true,
  onDelete: false,
  userId: 'id',
} as const satisfies z.input<typeof outboundSchema>;

/** A tag rule: a user who has `tag` (ignoring case) gets `role` (a role type or name, on the allowlist). */
export const tagRuleSchema = z
  .object({
    tag: z.string().trim().min(1, 'name the Customerly tag').max(255, 'a tag has 255 characters at most'),
    role: z.string().trim().min(1, 'name the role the tag gives').max(100, 'a role name has 100 characters at most'),
  })
  .strict();

export const pluginConfigSchema = z
  .object({
    webhookKey: z.string().default(''),
    apiToken: z.string().default(''),
    apiUrl: z.url({ protocol: /^https?$/, error: 'an http(s) URL such as https://api.customerly.io/v1' }),
    defaultRole: z.string().default(''),
    allowedRoles: z.array(z.string().min(1)).default([]),
    confirmed: z.boolean().default(true),
    usernameFormat: z.enum(USERNAME_FORMATS).default('email'),
    returnPassword: z
      .object({ enabled: z.boolean().default(false), attribute: z.string().default('') })
      .strict()
      .refine((v) => !v.enabled || v.attribute.trim() !== '', {
        message: 'returnPassword.attribute must name a Customerly attribute when returnPassword.enabled is true',
      })
      .default({ enabled: false, attribute: '' }),
    welcomeEmail: z
      .object({
        always: z.boolean().default(false),
        subject: z.string().default(''),
        text: z.string().default(''),
        html: z.string().default(''),
        /** {{siteName}} in the templates; default: the host of the server URL. */
        siteName: z.string().default(''),
      })
      .strict()
      .default({ always: false, subject: '', text: '', html: '', siteName: '' }),
    fieldMapping: z.array(fieldMappingRowSchema).default([]),
    processing: z.enum(PROCESSING_MODES).default('sync'),
    /** Tags that give roles, in priority order (services/sync/tag-rules.ts); every role must be on the allowlist. */
    tagRules: z.array(tagRuleSchema).max(TAG_RULES_MAX, `at most ${TAG_RULES_MAX} tag rules`).default([]),
    /**
     * Lead payloads (whoever typed an email into the chat widget; the email is not verified):
     *  - `safe`: a lead may create a user, and may update the user it created (linked to that same lead); it never
     *    changes a user linked to another Customerly contact or a user the plugin did not create;
     *  - `full`: leads are applied like users (only for sites where lead emails are trusted);
     *  - `ignore`: lead payloads are answered `skipped` and change nothing.
     */
    leads: z.enum(['safe', 'full', 'ignore']).default('safe'),
    /**
     * A changed email in Customerly follows the linked user, only on a `crmhero_user_id` match of a Customerly user
     * (never on `user_id` alone, which the website's script sets; never for a lead).
     */
    followEmailChanges: z.boolean().default(true),
    userTagsField: attributeName.default('tags'),
    /** Largest webhook body accepted, in bytes (413 above it). */
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(10 * 1024 * 1024)
      .default(256 * 1024),
    customerly: z
      .object({
        timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
        maxRetries: z.number().int().min(0).max(10).default(4),
        concurrency: z.number().int().min(1).max(64).default(4),
        maxBackoffMs: z.number().int().min(0).max(600_000).default(30_000),
      })
      .strict()
      .default({ timeoutMs: 10_000, maxRetries: 4, concurrency: 4, maxBackoffMs: 30_000 }),
    /** The durable delivery queue and the workers every Strapi process runs. */
    queue: z
      .object({
        /** Run workers in this process (turn off on nodes that should only receive). */
        enabled: z.boolean().default(true),
        /** Deliveries processed at once by this process's worker. */
        concurrency: z.number().int().min(1).max(64).default(2),
        /** How often an idle worker looks for due deliveries, in ms. */
        pollMs: z.number().int().min(10).max(60_000).default(1000),
        /** How long a claim holds before another process may take it over, in ms. */
        leaseMs: z.number().int().min(1000).max(3_600_000).default(300_000),
        /** Attempts before a delivery is marked failed. */
        maxAttempts: z.number().int().min(1).max(100).default(8),
        /** First retry delay, doubled each attempt (with jitter), in ms. */
        retryBaseMs: z.number().int().min(10).max(3_600_000).default(5_000),
        retryMaxMs: z.number().int().min(10).max(86_400_000).default(3_600_000),
        /** Synchronous mode: how long a request waits for its turn before it answers 202, in ms. */
        syncWaitMs: z.number().int().min(0).max(60_000).default(10_000),
        /** Finished deliveries are pruned after this many days. */
        retentionDays: z.number().min(0.0001).max(3650).default(30),
      })
      .strict()
      .default({
        enabled: true,
        concurrency: 2,
        pollMs: 1000,
        leaseMs: 300_000,
        maxAttempts: 8,
        retryBaseMs: 5_000,
        retryMaxMs: 3_600_000,
        syncWaitMs: 10_000,
        retentionDays: 30,
      }),
    /** Background jobs (services/jobs): run by every process whose queue is enabled, one of a type at a time. */
    jobs: z
      .object({
        /** Run jobs in this process (a process with queue.enabled false runs none either). */
        enabled: z.boolean().default(true),
        /** Items (users) handled per batch; progress and cursor are saved after each. */
        batchSize: z.number().int().min(1).max(5000).default(200),
        /** A pause between batches, in ms (spares the database; tests use it to make a job slow). */
        batchDelayMs: z.number().int().min(0).max(60_000).default(0),
        /** How often an idle process looks for queued jobs and for jobs whose process died, in ms. */
        pollMs: z.number().int().min(50).max(60_000).default(2000),
      })
      .strict()
      .default({ enabled: true, batchSize: 200, batchDelayMs: 0, pollMs: 2000 }),
    /** An import job on Strapi's cron (product.md, Jobs): off by default. */
    reconcile: reconcileSchema.default({ enabled: false, cron: '0 3 * * *', mode: 'update' }),
    /** Strapi → Customerly: users, their mapped fields and tags written back (services/outbound). */
    outbound: outboundSchema.default(OUTBOUND_DEFAULTS),
    /** Per-IP rate limit of the webhook route: a token bucket. */
    rateLimit: z
      .object({
        enabled: z.boolean().default(true),
        /** Requests one IP may send at once. */
        burst: z.number().int().min(1).max(1_000_000).default(1000),
        /** Requests per second one IP may keep sending. */
        perSecond: z.number().min(0.01).max(1_000_000).default(100),
      })
      .strict()
      .default({ enabled: true, burst: 1000, perSecond: 100 }),
  })
  .strict();

export type PluginConfigInput = z.input<typeof pluginConfigSchema>;
export type PluginConfig = z.output<typeof pluginConfigSchema>;
export type FieldMappingRow = z.output<typeof fieldMappingRowSchema>;
export type OutboundConfig = z.output<typeof outboundSchema>;

/** Turns a zod error into one readable line per problem, each naming the key. */
export function describeConfigError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.length ? issue.path.join('.') : '(root)';
      return `"${key}": ${issue.message}`;
    })
    .join('; ');
}
