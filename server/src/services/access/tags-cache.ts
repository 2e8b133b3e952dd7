/**
 * The has-tags policy's per-user cache of tag names, keyed by the user's `updatedAt` as users-permissions loaded it
 * for this request. Every change of a user's tags goes through a write of the user (the webhook, the Content Manager,
 * the document service), which moves `updatedAt`, and tag entries themselves are never renamed or deleted (only the
 * plugin writes them): so a change made by any process is seen by the next request, without a query. Entries also
 * expire after MAX_AGE_MS, and the map is bounded.
 */
const MAX_AGE_MS = 30_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  stamp: string;
  at: number;
  tags: string[];
}

const entries = new Map<number, Entry>();

/** The stamp of a user row: its `updatedAt`, or null when there is none (then nothing is cached). */
export function userStamp(user: { updatedAt?: unknown }): string | null {
  const v = user.updatedAt;
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
}

export async function cachedUserTags(
  userId: number,
  stamp: string | null,
  load: () => Promise<string[]>
): Promise<string[]> {
  const hit = entries.get(userId);
  if (stamp && hit && hit.stamp === stamp && Date.now() - hit.at < MAX_AGE_MS) return hit.tags;
  const tags = await load();
  if (stamp) {
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as number);
    entries.delete(userId);
    entries.set(userId, { stamp, at: Date.now(), tags });
  }
  return tags;
}
