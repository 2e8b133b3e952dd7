import { z } from 'zod';

/** The admin API's answers, checked before the panel uses them. */

const source = z.enum(['env', 'panel', 'file', 'default']);
const mappingType = z.enum(['string', 'number', 'boolean', 'date', 'json']);

export const mappingRowSchema = z.object({
  from: z.string(),
  to: z.string(),
  type: mappingType,
  writeEmpty: z.boolean().optional(),
});
export type MappingRow = z.infer<typeof mappingRowSchema>;
export const MAPPING_TYPES = mappingType.options;

export const editableSettingsSchema = z.object({
  apiUrl: z.string(),
  defaultRole: z.string(),
  allowedRoles: z.array(z.string()),
  confirmed: z.boolean(),
  usernameFormat: z.enum(['email', 'email-local', 'name']),
  returnPassword: z.object({ enabled: z.boolean(), attribute: z.string() }),
  welcomeEmail: z.object({ always: z.boolean(), subject: z.string(), text: z.string(), html: z.string(), siteName: z.string().optional() }),
  fieldMapping: z.array(mappingRowSchema),
  processing: z.enum(['sync', 'queued']),
});
export type EditableSettings = z.infer<typeof editableSettingsSchema>;

const secretStateSchema = z.object({ set: z.boolean(), masked: z.string(), source, locked: z.boolean(), envVar: z.string() });
export type SecretState = z.infer<typeof secretStateSchema>;

export const adminSettingsSchema = z.object({
  settings: editableSettingsSchema,
  secrets: z.object({ webhookKey: secretStateSchema, apiToken: secretStateSchema }),
  locked: z.record(z.string(), z.string()),
  sources: z.record(z.string(), source),
  meta: z.object({
    webhookPath: z.string(),
    serverUrl: z.string(),
    roles: z.array(z.object({ id: z.number(), name: z.string(), type: z.string(), isDefault: z.boolean() })),
    upDefaultRole: z.string(),
    userAttributes: z.array(z.object({ name: z.string(), type: z.string() })),
    loginTargets: z.array(z.string()),
    actions: z.array(z.string()),
    encryption: z.string(),
  }),
});
export type AdminSettings = z.infer<typeof adminSettingsSchema>;

export const settingsAnswer = z.object({ data: adminSettingsSchema });
export const rotateAnswer = z.object({ data: z.object({ webhookKey: z.string().min(16), settings: adminSettingsSchema }) });
export const revealAnswer = z.object({ data: z.object({ field: z.string(), value: z.string() }) });
export const connectionAnswer = z.object({
  data: z.object({
    ok: z.boolean(),
    status: z.enum(['ok', 'bad_token', 'no_token', 'unreachable', 'error']),
    message: z.string(),
    httpStatus: z.number().optional(),
    durationMs: z.number(),
  }),
});
export type ConnectionResult = z.infer<typeof connectionAnswer>['data'];

export const DELIVERY_STATUSES = ['queued', 'processing', 'done', 'skipped', 'failed'] as const;
export const DELIVERY_ACTIONS = ['add', 'update', 'update_tags', 'test'] as const;
/** A string, not an enum: a status the panel does not know yet is shown as it is. */
const status = z.string();

export const deliveryRowSchema = z.object({
  id: z.number(),
  documentId: z.string(),
  eventId: z.string(),
  receivedAt: z.string(),
  action: z.string(),
  email: z.string().nullable(),
  status,
  attempts: z.number().nullable(),
  processedAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type DeliveryRow = z.infer<typeof deliveryRowSchema>;

export const deliveriesAnswer = z.object({
  data: z.array(deliveryRowSchema),
  meta: z.object({
    pagination: z.object({ page: z.number(), pageSize: z.number(), pageCount: z.number(), total: z.number() }),
    counts: z.record(z.string(), z.number()),
  }),
});
export type DeliveriesPage = z.infer<typeof deliveriesAnswer>;

export const deliveryDetailSchema = deliveryRowSchema.extend({
  contactKey: z.string().nullable().optional(),
  params: z.unknown(),
  payload: z.unknown(),
  result: z.unknown(),
  history: z.array(z.record(z.string(), z.unknown())),
  user: z.object({ id: z.number(), documentId: z.string(), email: z.string(), username: z.string() }).nullable().optional(),
});
export type DeliveryDetail = z.infer<typeof deliveryDetailSchema>;
export const deliveryAnswer = z.object({ data: deliveryDetailSchema });
export const replayAnswer = z.object({
  data: z.object({ answer: z.object({ status: z.number(), body: z.record(z.string(), z.unknown()) }), delivery: deliveryDetailSchema.nullable() }),
});
export type ReplayResult = z.infer<typeof replayAnswer>['data'];

/** A Strapi error answer, with field errors when it is a ValidationError. */
export const errorAnswer = z.object({
  error: z.object({
    status: z.number().optional(),
    name: z.string().optional(),
    message: z.string().optional(),
    details: z
      .object({ errors: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional() })
      .partial()
      .passthrough()
      .optional(),
  }),
});
