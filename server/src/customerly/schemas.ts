import { z } from 'zod';

/** Customerly's error body: {"error":{"message":"…","code":0}}. */
export const errorBodySchema = z.object({
  error: z.object({ message: z.string(), code: z.union([z.number(), z.string()]).optional() }).loose(),
});

/** A contact as the API returns it. Only the fields the plugin reads are checked; the rest is kept. */
export const apiContactSchema = z
  .object({
    crmhero_user_id: z.union([z.number(), z.string()]).optional().nullable(),
    user_id: z.union([z.string(), z.number()]).optional().nullable(),
    email: z.string().optional().nullable(),
    name: z.string().optional().nullable(),
    is_user: z.union([z.number(), z.boolean()]).optional().nullable(),
    attributes: z.record(z.string(), z.unknown()).optional().nullable(),
    tags: z
      .array(z.union([z.string(), z.object({ name: z.string() }).loose()]))
      .optional()
      .nullable(),
  })
  .loose();

export type ApiContact = z.infer<typeof apiContactSchema>;

export const contactAnswerSchema = z.object({ data: apiContactSchema }).loose();

/** Which list `GET /users/list` / `GET /leads/list` reads. */
export type ContactListSource = 'users' | 'leads';

/**
 * A row of a list page (customerly.md, "Contact fields seen in list rows"): a contact, often without tags. Only the
 * fields the plugin reads are checked (as for a contact); location, browser and UTM fields are kept as they come.
 */
export const listRowSchema = apiContactSchema;
export type ListRow = z.infer<typeof listRowSchema>;

/** One page of a list: `{"data":{"users":[…]}}` (or `leads`). */
export const listAnswerSchema = (source: ContactListSource) =>
  z.object({ data: z.object({ [source]: z.array(listRowSchema) }).loose() }).loose();

export const upsertAnswerSchema = z
  .object({
    data: z
      .object({
        inserted: z.number().optional(),
        updated: z.number().optional(),
        errors: z.array(z.unknown()).optional(),
        not_added: z.array(z.unknown()).optional(),
      })
      .loose(),
  })
  .loose();

export const tagsAnswerSchema = z.object({ data: z.array(z.string()) }).loose();
