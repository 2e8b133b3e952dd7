import type { Core } from '@strapi/strapi';
import { DELIVERY_UID } from '../../content-types';
import { lazy } from './columns';
import type { Db } from './connection-transaction';

/**
 * Links a delivery to its user with one plain statement on the join table. (Strapi's relation update opens a
 * transaction per call, which deadlocks under concurrent workers on MySQL and then fails to restore the row.)
 */
export function createUserLink(strapi: Core.Strapi) {
  /** The join table of the delivery's `user` relation, from Strapi's metadata. */
  const userJoin = lazy(() => {
    const attribute = strapi.db.metadata.get(DELIVERY_UID).attributes.user;
    const joinTable = attribute && 'joinTable' in attribute ? attribute.joinTable : undefined;
    if (!joinTable || !('inverseJoinColumn' in joinTable))
      throw new Error('[customerly] the delivery has no user join table');
    return { name: joinTable.name, own: joinTable.joinColumn.name, target: joinTable.inverseJoinColumn.name };
  });

  /** `firstAttempt`: the delivery's first outcome, which has no link yet (a later attempt may have one already). */
  async function linkUser(deliveryId: number, userId: number, firstAttempt: boolean, knex: Db): Promise<void> {
    const { name: table, own, target } = userJoin();
    if (firstAttempt) {
      await knex(table).insert({ [own]: deliveryId, [target]: userId });
      return;
    }
    const current = await knex(table).where(own, deliveryId).first(target);
    if (!current) await knex(table).insert({ [own]: deliveryId, [target]: userId });
    else if (Number(current[target]) !== userId)
      await knex(table)
        .where(own, deliveryId)
        .update({ [target]: userId });
  }

  return linkUser;
}
