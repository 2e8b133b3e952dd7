import { errors } from '@strapi/utils';
import type { z } from 'zod';

/** One problem of an admin request, by field (the panel highlights the field). */
export interface FieldError {
  path: string[];
  message: string;
}

export const zodFieldErrors = (error: z.ZodError, prefix: string[] = []): FieldError[] =>
  error.issues.map((issue) => ({ path: [...prefix, ...issue.path.map(String)], message: issue.message }));

/** Strapi's ValidationError (400), with one entry per field: the admin panel's error format. */
export const validationError = (message: string, details: FieldError[]) =>
  new errors.ValidationError(message, {
    errors: details.map((d) => ({ path: d.path, message: d.message, name: 'ValidationError' })),
  });

/** Parses admin input with a schema of this folder; a 400 naming each bad field when it does not pass. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  message = 'The request is not valid.'
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationError(message, zodFieldErrors(parsed.error));
  return parsed.data;
}
