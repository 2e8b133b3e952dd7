import type { Core } from '@strapi/strapi';
import { parsedPluginConfig } from './config/read';
import { INTERNAL_UIDS, TAG_UID } from './content-types';
import { fieldMappingProblems } from './services/settings/mapping-checks';
import { tagRuleErrors } from './services/sync/tag-rules';
import { upDefaultRoleType, userAttributes } from './services/sync/users-permissions';
import { getService } from './utils/get-service';
import { registerPermissions } from './permissions-register';
import { grantMeRouteOnce } from './services/access/grant-me';
import { guardTagWrites } from './services/sync/tag-guard';
import { watchUsers } from './services/outbound/lifecycles';
import { hintSqliteJournal } from './services/delivery/sqlite-hint';
import { ensureUserIndexes } from './services/sync/user-indexes';

/** Tags are matched ignoring case through `nameKey`, kept in step with `name` however a tag is written. */
function keepTagKeys(strapi: Core.Strapi) {
  const setKey = (event: { params?: { data?: { name?: unknown; nameKey?: unknown } } }) => {
    const data = event.params?.data;
    if (data && typeof data.name === 'string') data.nameKey = data.name.trim().toLowerCase();
  };
  strapi.db.lifecycles.subscribe({ models: [TAG_UID], beforeCreate: setKey, beforeUpdate: setKey });
}

/**
 * A field mapping in config/plugins that the panel would refuse (a protected or unknown target, a type the target
 * cannot take, two rows onto one target) stops startup, naming the row at fault.
 */
function checkFieldMapping(strapi: Core.Strapi) {
  const config = parsedPluginConfig(strapi);
  const [problem] = fieldMappingProblems(config.fieldMapping, userAttributes(strapi), config.userTagsField);
  if (problem) {
    const row = config.fieldMapping[Number(problem.path[1])];
    throw new Error(
      `Invalid config for plugin "customerly": "${problem.path.join('.')}" (${row.from} → ${row.to}): ${problem.message}.`
    );
  }
}

/** A tag rule off the allowlist (or a tag with two rules) in config/plugins stops startup, naming the rule. */
async function checkTagRules(strapi: Core.Strapi) {
  const config = parsedPluginConfig(strapi);
  if (!config.tagRules.length) return;
  const roles = await getService(strapi, 'roles').list();
  const [first] = tagRuleErrors(config.tagRules, config, roles, await upDefaultRoleType(strapi));
  if (first) {
    const rule = config.tagRules[first.index]!;
    throw new Error(
      `Invalid config for plugin "customerly": "tagRules[${first.index}]" (${rule.tag} → ${rule.role}): ${first.message}.`
    );
  }
}

const SUPER_ADMIN_CODE = 'strapi-super-admin';
const TAG_WRITE_ACTIONS = ['create', 'update', 'delete', 'publish'].map((a) => `plugin::content-manager.explorer.${a}`);

/**
 * The plugin's own records (deliveries, contact locks, worker processes) are hidden from the Content Manager, so
 * Strapi grants no role any Content Manager permission on them. A database from an older version of the plugin, in
 * which deliveries were visible, still holds the grants Strapi gave the Editor and Author roles then (and Strapi's own
 * clean-up keeps `explorer.read`, whose subjects include hidden types): they are removed here, for every role but the
 * super admin's (which Strapi re-grants at every start, and which reads the delivery log anyway). The write grants on
 * tag entries go too: tag names can grant roles, so only the plugin writes them (the tag guard refuses the rest).
 */
export async function revokeContentManagerAccess(strapi: Core.Strapi): Promise<number> {
  const rows: Array<{ id: number; role?: { code?: string } | null }> = await strapi.db
    .query('admin::permission')
    .findMany({
      select: ['id'],
      where: {
        $or: [
          { subject: { $in: [...INTERNAL_UIDS] }, action: { $startsWith: 'plugin::content-manager.' } },
          // Tags stay readable in the Content Manager; only the plugin writes them (services/sync/tag-guard.ts).
          { subject: TAG_UID, action: { $in: TAG_WRITE_ACTIONS } },
        ],
      },
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
  guardTagWrites(strapi);
  watchUsers(strapi);
  checkFieldMapping(strapi);
  await checkTagRules(strapi);
  await registerPermissions(strapi);
  await revokeContentManagerAccess(strapi);
  // At the first start Strapi's admin creates the Editor and Author roles after the plugins' bootstrap, granting them
  // writes on every visible type: those on tags are removed again once the server listens.
  strapi.server.httpServer.once('listening', () => {
    revokeContentManagerAccess(strapi).catch((e: unknown) =>
      strapi.log.warn(`[customerly] could not remove the Content Manager write grants on tags: ${String(e)}`)
    );
  });
  await grantMeRouteOnce(strapi);
  // The indexes behind the user lookups of every delivery (email and username, ignoring case).
  await ensureUserIndexes(strapi);
  // On SQLite's default journal, one line on what it costs each delivery (the app's setting to change, not ours).
  await hintSqliteJournal(strapi);
  // Each Strapi process writes a heartbeat and runs a delivery worker (the worker only unless queue.enabled is
  // false). The first heartbeat is written before the process answers requests.
  await getService(strapi, 'worker').start();
  // Then the job worker: it runs queued jobs and takes over those of dead processes (after the first heartbeat).
  getService(strapi, 'job-worker').start();
  // And the scheduled import (reconcile), on Strapi's cron, when the settings turn it on.
  await getService(strapi, 'reconcile').start();
};
