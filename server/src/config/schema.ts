import { z } from 'zod';

/**
 * The plugin's configuration, as given in `config/plugins.(js|ts)` under `customerly.config`.
 * Values saved in the admin panel win over these; environment variables win over both for secrets.
 */

const attributeName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a content-type attribute name (letters, digits, underscore)');

export const mappingTypes = ['string', 'number', 'boolean', 'date', 'json'] as const;

export const fieldMappingRowSchema = z
  .object({
    from: z.string().min(1, "a Customerly field such as 'name' or 'attributes.plan'"),
    to: attributeName,
    type: z.enum(mappingTypes).default('string'),
    /** Write empty values (null, '') too; by default they are skipped. */
    writeEmpty: z.boolean().default(false),
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
    usernameFormat: z.enum(['email', 'email-local', 'name']).default('email'),
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
    processing: z.enum(['sync', 'queued']).default('sync'),
    userTagsField: attributeName.default('tags'),
    /** Largest webhook body accepted, in bytes (413 above it). */
    maxBodyBytes: z.number().int().min(1024).max(10 * 1024 * 1024).default(256 * 1024),
    customerly: z
      .object({
        timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
        maxRetries: z.number().int().min(0).max(10).default(4),
        concurrency: z.number().int().min(1).max(64).default(4),
        maxBackoffMs: z.number().int().min(0).max(600_000).default(30_000),
      })
      .strict()
      .default({ timeoutMs: 10_000, maxRetries: 4, concurrency: 4, maxBackoffMs: 30_000 }),
  })
  .strict();

export type PluginConfigInput = z.input<typeof pluginConfigSchema>;
export type PluginConfig = z.output<typeof pluginConfigSchema>;
export type FieldMappingRow = z.output<typeof fieldMappingRowSchema>;

/** Turns a zod error into one readable line per problem, each naming the key. */
export function describeConfigError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.length ? issue.path.join('.') : '(root)';
      return `"${key}": ${issue.message}`;
    })
    .join('; ');
}
