import { z } from 'zod';
import { MAPPING_DIRECTIONS, OUTBOUND_USER_IDS } from './outbound';

/** Settings → Customerly: the lists the form offers and the admin API's request and answers. */

/** How a mapped Customerly value is converted before it is written to the user. */
export const MAPPING_TYPES = ['string', 'number', 'boolean', 'date', 'json'] as const;
export type MappingType = (typeof MAPPING_TYPES)[number];

/** How a new user's username is made. */
export const USERNAME_FORMATS = ['email', 'email-local', 'name'] as const;
export type UsernameFormat = (typeof USERNAME_FORMATS)[number];

/** `sync`: answer Customerly when the user is done; `queued`: answer 202 at once, process in the background. */
export const PROCESSING_MODES = ['sync', 'queued'] as const;
export type ProcessingMode = (typeof PROCESSING_MODES)[number];

/** Where a setting's value comes from (the environment wins over the panel, the panel over config/plugins). */
export const SETTING_SOURCES = ['env', 'panel', 'file', 'default'] as const;
export type SettingSource = (typeof SETTING_SOURCES)[number];

/** The settings that hold a secret: never sent in clear, only revealed on request to an admin who may update. */
export const SECRET_KEYS = ['webhookKey', 'apiToken'] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** The outcomes of "Test connection". */
export const CONNECTION_STATUSES = ['ok', 'bad_token', 'no_token', 'unreachable', 'error'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export const mappingRowSchema = z.object({
  from: z.string(),
  to: z.string(),
  type: z.enum(MAPPING_TYPES),
  writeEmpty: z.boolean().optional(),
  /** `in` when absent: Customerly → Strapi; `out`: Strapi → Customerly; `both`. */
  direction: z.enum(MAPPING_DIRECTIONS).optional(),
});
export type MappingRow = z.infer<typeof mappingRowSchema>;

/** A tag rule: a user who has `tag` (ignoring case) gets `role` (a role type or name on the allowlist). */
export const tagRuleSchema = z.object({ tag: z.string(), role: z.string() });
export type TagRule = z.infer<typeof tagRuleSchema>;
/** The most tag rules a configuration holds. */
export const TAG_RULES_MAX = 100;
/** The most tag names the settings view lists for the pickers (the rest can be typed). */
export const TAG_CHOICES_MAX = 1000;

/** The settings the panel edits (secrets apart). */
export const editableSettingsSchema = z.object({
  apiUrl: z.string(),
  defaultRole: z.string(),
  allowedRoles: z.array(z.string()),
  confirmed: z.boolean(),
  usernameFormat: z.enum(USERNAME_FORMATS),
  returnPassword: z.object({ enabled: z.boolean(), attribute: z.string() }),
  welcomeEmail: z.object({
    always: z.boolean(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    siteName: z.string().optional(),
  }),
  fieldMapping: z.array(mappingRowSchema),
  processing: z.enum(PROCESSING_MODES),
  /** In priority order: the first rule whose tag the user has gives the role. */
  tagRules: z.array(tagRuleSchema),
  /** The scheduled import (a job of type `import`, source `both`). */
  reconcile: z.object({ enabled: z.boolean(), cron: z.string(), mode: z.enum(['create', 'update']) }),
  /** Strapi → Customerly (product.md, "Outbound"). */
  outbound: z.object({
    enabled: z.boolean(),
    onCreate: z.boolean(),
    onUpdate: z.boolean(),
    onTags: z.boolean(),
    onDelete: z.boolean(),
    userId: z.enum(OUTBOUND_USER_IDS),
  }),
});
export type EditableSettings = z.infer<typeof editableSettingsSchema>;

/** A secret as the panel sees it: whether it is set, a fixed mask, and whether an environment variable locks it. */
export const secretStateSchema = z.object({
  set: z.boolean(),
  masked: z.string(),
  source: z.enum(SETTING_SOURCES),
  locked: z.boolean(),
  envVar: z.string(),
});
export type SecretState = z.infer<typeof secretStateSchema>;

export const settingsRoleSchema = z.object({
  id: z.number(),
  name: z.string(),
  type: z.string(),
  isDefault: z.boolean(),
});
export type SettingsRole = z.infer<typeof settingsRoleSchema>;

/** `GET /customerly/settings` (and the answer of every settings write). */
export const adminSettingsSchema = z.object({
  settings: editableSettingsSchema,
  secrets: z.object({ webhookKey: secretStateSchema, apiToken: secretStateSchema }),
  /** Field → the environment variable that sets it: the panel shows these read-only. */
  locked: z.record(z.string(), z.string()),
  sources: z.record(z.string(), z.enum(SETTING_SOURCES)),
  meta: z.object({
    webhookPath: z.string(),
    serverUrl: z.string(),
    roles: z.array(settingsRoleSchema),
    upDefaultRole: z.string(),
    userAttributes: z.array(z.object({ name: z.string(), type: z.string() })),
    loginTargets: z.array(z.string()),
    actions: z.array(z.string()),
    encryption: z.string(),
    /** users-permissions' *Reset password page*; null when unset (then no welcome email is sent). */
    resetPasswordPage: z.string().nullable(),
    /** Tag names known to Strapi (the tag entries), for the tag rules' pickers; at most TAG_CHOICES_MAX. */
    tags: z.array(z.string()),
    /** One sentence per tag rule that cannot apply now (its role does not exist, or is off the allowlist). */
    tagRuleWarnings: z.array(z.object({ index: z.number(), message: z.string() })),
    /** When this process will next start the scheduled import (ISO), or null when it is off. */
    reconcileNextRun: z.string().nullable(),
  }),
});
export type AdminSettings = z.infer<typeof adminSettingsSchema>;

/**
 * `PUT /customerly/settings`: any subset of the editable settings. Secrets: absent = keep, '' = clear.
 * (The server validates the body with its own, stricter schema.)
 */
export type SettingsSave = Partial<EditableSettings> & { apiToken?: string; webhookKey?: string };

export const settingsAnswer = z.object({ data: adminSettingsSchema });
/** `POST /customerly/settings/access-key`: the new key, once, and the settings after it. */
export const rotateAnswer = z.object({
  data: z.object({ webhookKey: z.string().min(16), settings: adminSettingsSchema }),
});
/** `POST /customerly/settings/reveal` `{ field }`. */
export const revealAnswer = z.object({ data: z.object({ field: z.string(), value: z.string() }) });
/** `POST /customerly/settings/test-connection` `{ apiToken? }`. */
export const connectionAnswer = z.object({
  data: z.object({
    ok: z.boolean(),
    status: z.enum(CONNECTION_STATUSES),
    message: z.string(),
    httpStatus: z.number().optional(),
    durationMs: z.number(),
  }),
});
export type ConnectionResult = z.infer<typeof connectionAnswer>['data'];
