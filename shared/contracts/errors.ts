import { z } from 'zod';

/** A Strapi error answer of the admin API, with per-field errors when it is a ValidationError. */
export const errorAnswer = z.object({
  error: z.object({
    status: z.number().optional(),
    name: z.string().optional(),
    message: z.string().optional(),
    details: z
      .object({
        errors: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
      })
      .partial()
      .passthrough()
      .optional(),
  }),
});
export type ErrorAnswer = z.infer<typeof errorAnswer>;
