import type { ContactListSource } from '../../customerly';

/**
 * Where a delivery came from, when not from Customerly's webhook. An import job (services/jobs/import.ts) stores each
 * contact of a list page as a delivery, with these parameters next to the webhook's (`action`, `send_notification`):
 * the log shows them, and the signature covers them like the rest of the row. A webhook can never store them: its
 * intake refuses every parameter it does not know (webhook/params.ts).
 */
export interface ImportOrigin {
  source: 'import';
  /** The job's documentId. */
  job: string;
  /** The list the contact was read from, and its page. */
  list: ContactListSource;
  page: number;
  /** Write a generated password back to Customerly (the job asked for it). */
  returnPassword: boolean;
  /** Look the contact up by email when its row has no tags (the job asked for it). */
  fetchTags: boolean;
}

export type DeliveryOrigin = ImportOrigin;

const ORIGIN_KEYS = ['source', 'job', 'list', 'page', 'returnPassword', 'fetchTags'] as const;

/** The parameters stored on an import's delivery, next to the webhook's. */
export function originParams(origin: ImportOrigin): Record<string, unknown> {
  return { ...origin };
}

/**
 * Splits a stored delivery's parameters into the webhook's and its origin: only a row whose `source` is `import`
 * has one (the row is signed, so only the plugin wrote it).
 */
export function splitOrigin(params: Record<string, unknown> | null | undefined): {
  params: Record<string, unknown>;
  origin?: DeliveryOrigin;
} {
  const all = params ?? {};
  if (all.source !== 'import') return { params: all };
  const rest: Record<string, unknown> = { ...all };
  for (const k of ORIGIN_KEYS) delete rest[k];
  return {
    params: rest,
    origin: {
      source: 'import',
      job: String(all.job ?? ''),
      list: all.list === 'leads' ? 'leads' : 'users',
      page: Number(all.page ?? 0),
      returnPassword: all.returnPassword === true,
      fetchTags: all.fetchTags === true,
    },
  };
}
