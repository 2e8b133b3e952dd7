import { AsyncLocalStorage } from 'node:async_hooks';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { TAG_UID } from '../../content-types';

/**
 * Tag entries are written by the plugin only. Once tag rules give roles, a tag's name is a privilege: an admin who
 * could rename "Basic" to "Pro" in the Content Manager would hand out the Pro role. So every create, update and delete
 * of a tag entry outside `asPluginTagWrite` is refused, whatever the path (Content Manager, document service, query
 * engine). A user's `tags` relation is not a tag write: admins may still connect and disconnect tags on a user.
 */
const pluginWrite = new AsyncLocalStorage<true>();

/** Runs `fn` as the plugin's own tag write. */
export const asPluginTagWrite = <T>(fn: () => Promise<T>): Promise<T> => pluginWrite.run(true, fn);

const refuse = () => {
  if (pluginWrite.getStore()) return;
  throw new errors.ForbiddenError(
    'Customerly tags are created, renamed and deleted only by the Customerly plugin (tag names can grant roles). ' +
      "Change the contact's tags in Customerly, or connect and disconnect tags on the user."
  );
};

export function guardTagWrites(strapi: Core.Strapi): void {
  strapi.db.lifecycles.subscribe({
    models: [TAG_UID],
    beforeCreate: refuse,
    beforeCreateMany: refuse,
    beforeUpdate: refuse,
    beforeUpdateMany: refuse,
    beforeDelete: refuse,
    beforeDeleteMany: refuse,
  });
}
