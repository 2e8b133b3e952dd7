import { z } from 'zod';
import { fieldMappingRowSchema, pluginConfigSchema, type PluginConfig } from '../config/schema';

/**
 * What the admin panel may save. The store keeps these keys only; the rest of the plugin config (body limit, API
 * client tuning, the tags field) stays in `config/plugins`.
 */
export const EDITABLE_KEYS = [
  'webhookKey',
  'apiToken',
  'apiUrl',
  'defaultRole',
  'allowedRoles',
  'confirmed',
  'usernameFormat',
  'returnPassword',
  'welcomeEmail',
  'fieldMapping',
  'processing',
] as const;
export type EditableKey = (typeof EDITABLE_KEYS)[number];

export const SECRET_KEYS = ['webhookKey', 'apiToken'] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** Environment variables that win over everything and lock the field in the panel. */
export const ENV_OVERRIDES = {
  webhookKey: 'CUSTOMERLY_WEBHOOK_KEY',
  apiToken: 'CUSTOMERLY_API_TOKEN',
  apiUrl: 'CUSTOMERLY_API_URL',
} as const satisfies Partial<Record<EditableKey, string>>;
export type EnvOverridable = keyof typeof ENV_OVERRIDES;

const shape = pluginConfigSchema.shape;

const roleName = z.string().trim().min(1, 'pick a role').max(100, 'a role name has 100 characters at most');

/** The body of `PUT /customerly/settings`: any subset of the editable keys. Secrets: absent = keep, '' = clear. */
export const settingsUpdateSchema = z
  .object({
    webhookKey: z
      .string()
      .trim()
      .refine((v) => v === '' || v.length >= 16, 'an access key has at least 16 characters: use "Generate" for a strong one')
      .refine((v) => /^[\x21-\x7e]*$/.test(v), 'an access key has printable characters only, no spaces')
      .optional(),
    apiToken: z.string().trim().max(4096, 'the token is too long').optional(),
    apiUrl: shape.apiUrl.optional(),
    defaultRole: z.string().trim().max(100).optional(),
    allowedRoles: z.array(roleName).max(100).optional(),
    confirmed: z.boolean().optional(),
    usernameFormat: shape.usernameFormat.unwrap().optional(),
    returnPassword: z
      .object({
        enabled: z.boolean(),
        attribute: z
          .string()
          .trim()
          .max(100)
          .regex(/^[A-Za-z0-9_.-]*$/, 'a Customerly attribute name: letters, digits, _ . -'),
      })
      .strict()
      .superRefine((v, ctx) => {
        if (v.enabled && !v.attribute) {
          ctx.addIssue({ code: 'custom', path: ['attribute'], message: 'name the Customerly attribute that receives the password' });
        }
      })
      .optional(),
    welcomeEmail: z
      .object({
        always: z.boolean(),
        subject: z.string().max(500, 'the subject has 500 characters at most'),
        text: z.string().max(20_000, 'the text has 20000 characters at most'),
        html: z.string().max(100_000, 'the HTML has 100000 characters at most'),
        siteName: z.string().max(200).optional(),
      })
      .strict()
      .optional(),
    fieldMapping: z.array(fieldMappingRowSchema).max(200, 'at most 200 rows').optional(),
    processing: shape.processing.unwrap().optional(),
  })
  .strict();
export type SettingsUpdate = z.output<typeof settingsUpdateSchema>;

/** What the store holds (secrets encrypted). Read back with the same rules, key by key. */
export const storedSettingsSchema = settingsUpdateSchema.extend({
  webhookKey: z.string().optional(),
  apiToken: z.string().optional(),
});
export type StoredSettings = z.output<typeof storedSettingsSchema>;

export interface FieldError {
  path: string[];
  message: string;
}

export const zodFieldErrors = (error: z.ZodError, prefix: string[] = []): FieldError[] =>
  error.issues.map((issue) => ({ path: [...prefix, ...issue.path.map(String)], message: issue.message }));

/** The non-secret part of the effective settings, as the panel edits it. */
export type PublicSettings = Omit<Pick<PluginConfig, EditableKey>, SecretKey>;
