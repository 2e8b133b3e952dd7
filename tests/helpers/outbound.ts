/** Helpers of the outbound tests (issue 13): the outbound deliveries of a Strapi, and waiting for them to finish. */
import type { Core } from '@strapi/strapi';
import { DELIVERY_UID } from './fixtures';
import { waitFor } from './processes';

export interface OutRow {
  id: number;
  documentId: string;
  action: string;
  direction: string;
  email: string;
  status: string;
  attempts: number;
}

/** The outbound deliveries, oldest first. */
export async function outboundRows(strapi: Core.Strapi): Promise<OutRow[]> {
  return strapi.db.query(DELIVERY_UID).findMany({
    where: { direction: 'outbound' },
    select: ['id', 'documentId', 'action', 'direction', 'email', 'status', 'attempts'],
    orderBy: { id: 'asc' },
  });
}

/** Waits until no outbound delivery is queued or processing; the rows then. */
export async function outboundSettled(
  strapi: Core.Strapi,
  what = 'the outbound deliveries to finish',
  timeoutMs = 30_000
): Promise<OutRow[]> {
  return waitFor(
    async () => {
      const rows = await outboundRows(strapi);
      return rows.every((r) => r.status !== 'queued' && r.status !== 'processing') ? rows : undefined;
    },
    timeoutMs,
    what
  );
}
