import { z } from 'zod';
import { PROCESSING_MODES, SECRET_KEYS, TAG_RULES_MAX, USERNAME_FORMATS } from '../../../shared/contracts/settings';
import {
  fieldMappingRowSchema,
  outboundSchema,
  pluginConfigSchema,
  reconcileSchema,
  tagRuleSchema,
} from '../config/schema';

const roleName = z.string().trim().min(1, 'pick a role').max(100, 'a role name has 100 characters at most');

/** `PUT /customerly/settings`: any subset of the editable settings. Secrets: absent = keep, '' = clear. */
export const settingsUpdateSchema = z
  .object({
    webhookKey: z
      .string()
      .trim()
      .refine(
        (v) => v === '' || v.length >= 16,
        'an access key has at least 16 characters: use "Generate" for a strong one'
      )
      .refine((v) => /^[\x21-\x7e]*$/.test(v), 'an access key has printable characters only, no spaces')
      .optional(),
    apiToken: z.string().trim().max(4096, 'the token is too long').optional(),
    apiUrl: pluginConfigSchema.shape.apiUrl.optional(),
    defaultRole: z.string().trim().max(100).optional(),
    allowedRoles: z.array(roleName).max(100).optional(),
    confirmed: z.boolean().optional(),
    usernameFormat: z.enum(USERNAME_FORMATS).optional(),
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
          ctx.addIssue({
            code: 'custom',
            path: ['attribute'],
            message: 'name the Customerly attribute that receives the password',
          });
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
    processing: z.enum(PROCESSING_MODES).optional(),
    tagRules: z.array(tagRuleSchema).max(TAG_RULES_MAX, `at most ${TAG_RULES_MAX} tag rules`).optional(),
    reconcile: reconcileSchema.required().optional(),
    /** Strapi → Customerly (services/outbound): the whole block. */
    outbound: outboundSchema.required().optional(),
  })
  .strict();
export type SettingsUpdate = z.output<typeof settingsUpdateSchema>;

/** `POST /customerly/settings/reveal`: which secret to show. */
export const revealSchema = z
  .object({ field: z.enum(SECRET_KEYS, { error: `field must be ${SECRET_KEYS.join(' or ')}` }) })
  .strict();

/** `POST /customerly/settings/test-connection`: a token (and URL) to try before saving them. */
export const testConnectionSchema = z
  .object({ apiToken: z.string().max(4096).optional(), apiUrl: z.string().max(2048).optional() })
  .strict();
export type TestConnectionInput = z.output<typeof testConnectionSchema>;
