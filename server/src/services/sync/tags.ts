import type { Core } from '@strapi/strapi';
import { TAG_UID, documentData } from '../../content-types';
import { asPluginTagWrite } from './tag-guard';

/** The most values one IN (…) list holds. */
const IN_CHUNK = 200;

export interface TagRef {
  id: number;
  documentId: string;
  name: string;
}

export interface TagDiff {
  added: string[];
  removed: string[];
}

/** What changes when a user's tags become `next` (names compared ignoring case). */
export function diffTags(current: string[], next: string[]): TagDiff {
  const cur = new Set(current.map((t) => t.toLowerCase()));
  const nxt = new Set(next.map((t) => t.toLowerCase()));
  return {
    added: next.filter((t) => !cur.has(t.toLowerCase())),
    removed: current.filter((t) => !nxt.has(t.toLowerCase())),
  };
}

const isUniqueViolation = (e: unknown) => {
  const err = e as { code?: string; errno?: number; message?: string; name?: string };
  return (
    err?.code === '23505' || // PostgreSQL
    err?.code === 'ER_DUP_ENTRY' ||
    err?.errno === 1062 || // MySQL / MariaDB
    err?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /unique/i.test(err?.message ?? '')
  );
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  async function findByKeys(keys: string[]): Promise<Map<string, TagRef>> {
    const found = new Map<string, TagRef>();
    // IN lists in chunks: one statement stays small whatever the number of tags.
    for (let i = 0; i < keys.length; i += IN_CHUNK) {
      const rows: Array<TagRef & { nameKey: string }> = await strapi.db.query(TAG_UID).findMany({
        where: { nameKey: { $in: keys.slice(i, i + IN_CHUNK) } },
        select: ['id', 'documentId', 'name', 'nameKey'],
      });
      for (const r of rows) found.set(r.nameKey, { id: r.id, documentId: r.documentId, name: r.name });
    }
    return found;
  }

  return {
    findByKeys,

    /**
     * Finds the tag entries for these names, creating the missing ones. Safe when several deliveries (or several
     * Strapi processes) create the same new tag at once: the unique name key makes one insert win and the others
     * read the winner. Must run outside a transaction (a failed insert would poison a PostgreSQL transaction).
     */
    async ensure(names: string[]): Promise<TagRef[]> {
      if (!names.length) return [];
      const keys = names.map((n) => n.toLowerCase());
      const found = await findByKeys(keys);
      for (const name of names) {
        const key = name.toLowerCase();
        if (found.has(key)) continue;
        try {
          const created = await asPluginTagWrite(() =>
            strapi.documents(TAG_UID).create({ data: documentData(TAG_UID, { name, nameKey: key }) })
          );
          found.set(key, { id: Number(created.id), documentId: created.documentId, name });
        } catch (e) {
          if (!isUniqueViolation(e) && !(e as Error)?.name?.includes('ValidationError')) throw e;
          const winner = (await findByKeys([key])).get(key);
          if (!winner) throw e;
          found.set(key, winner);
        }
      }
      return keys.map((k) => found.get(k)!);
    },
  };
};
