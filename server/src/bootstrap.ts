import type { Core } from '@strapi/strapi';
import { parsedPluginConfig } from './config/read';
import { INTERNAL_UIDS, TAG_UID } from './content-types';
import { mappingRowProblem } from './services/sync/field-mapping';
import { userAttributes } from './services/sync/users-permissions';
import { getService } from './utils/get-service';
import { registerPermissions } from './permissions-register';

/** Tags are matched ignoring case through `nameKey`, kept in step with `name` however a tag is written. */
function keepTagKeys(strapi: Core.Strapi) {
  const setKey = (event: { params?: { data?: { name?: unknown; nameKey?: unknown } } }) => {
    const data = event.params?.data;
    if (data && typeof data.name === 'string') data.nameKey = data.name.trim().toLowerCase();
  };
  strapi.db.lifecycles.subscribe({ models: [TAG_UID], beforeCreate: setKey, beforeUpdate: setKey });
}

/** A field mapping that writes a protected or unknown user attribute stops startup with the row at fault. */
function checkFieldMapping(strapi: Core.Strapi) {
  const config = parsedPluginConfig(strapi);
  const attributes = userAttributes(strapi);
  config.fieldMapping.forEach((row, i) => {
    const problem = mappingRowProblem(row, attributes, config.userTagsField);
    if (problem) {
      throw new Error(
        `Invalid config for plugin "customerly": "fieldMapping.${i}" (${row.from} → ${row.to}): ${problem}.`
      );
    }
  });
}

const SUPER_ADMIN_CODE = 'strapi-super-admin';

/**
 * The plugin's own records (deliveries, contact locks, worker processes) are hidden from the Content Manager, so
 * Strapi grants no role any Content Manager permission on them. A database from an older version of the plugin, in
 * which deliveries were visible, still holds the grants Strapi gave the Editor and Author roles then (and Strapi's own
 * clean-up keeps `explorer.read`, whose subjects include hidden types): they are removed here, for every role but the
 * super admin's (which Strapi re-grants at every start, and which reads the delivery log anyway).
 */
export async function revokeContentManagerAccess(strapi: Core.Strapi): Promise<number> {
  const rows: Array<{ id: number; role?: { code?: string } | null }> = await strapi.db
    .query('admin::permission')
    .findMany({
      select: ['id'],
      where: { subject: { $in: [...INTERNAL_UIDS] }, action: { $startsWith: 'plugin::content-manager.' } },
      populate: { role: { select: ['code'] } },
    });
  const ids = rows.filter((r) => r.role?.code !== SUPER_ADMIN_CODE).map((r) => r.id);
  if (ids.length) {
    await strapi.db.query('admin::permission').deleteMany({ where: { id: { $in: ids } } });
    strapi.log.info(
      `[customerly] removed ${ids.length} Content Manager permission(s) on the plugin's own records (deliveries, locks)`
    );
  }
  return ids.length;
}

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  keepTagKeys(strapi);
  checkFieldMapping(strapi);
  await registerPermissions(strapi);
  await revokeContentManagerAccess(strapi);
  // Each Strapi process writes a heartbeat and runs a delivery worker (the worker only unless queue.enabled is
  // false). The first heartbeat is written before the process answers requests.
  await getService(strapi, 'worker').start();
};
