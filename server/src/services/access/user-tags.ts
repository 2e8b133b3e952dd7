import type { Core } from '@strapi/strapi';
import { tagsFieldOf } from '../../config/read';
import { TAG_UID, USER_UID } from '../../content-types';

interface JoinTableMeta {
  name: string;
  joinColumn: { name: string };
  inverseJoinColumn: { name: string };
}

/**
 * The names of a user's Customerly tags, in one query: the user's join table (indexed on the user column) joined to
 * the tag table. Not cached: a tag change made by any process is seen by the next request.
 */
export async function readUserTagNames(strapi: Core.Strapi, userId: number): Promise<string[]> {
  const relation = strapi.db.metadata.get(USER_UID).attributes[tagsFieldOf(strapi)] as unknown as {
    joinTable?: JoinTableMeta;
  };
  const joinTable = relation?.joinTable;
  if (!joinTable) throw new Error(`[customerly] the user has no "${tagsFieldOf(strapi)}" relation to tags`);
  const tagTable = strapi.db.metadata.get(TAG_UID).tableName;
  const rows: Array<{ name: string }> = await strapi.db
    .connection(`${tagTable} as t`)
    .join(`${joinTable.name} as l`, `l.${joinTable.inverseJoinColumn.name}`, 't.id')
    .where(`l.${joinTable.joinColumn.name}`, userId)
    .select('t.name');
  return rows.map((r) => r.name);
}
