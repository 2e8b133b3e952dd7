import type { Core } from '@strapi/strapi';
import { pluginConfigSchema } from './config/schema';
import { TAG_UID, USER_UID } from './content-types';
import { mappingRowProblem } from './services/field-mapping';
import { registerPermissions } from './permissions-register';

/** Tags are matched ignoring case through `nameKey`, kept in step with `name` however a tag is written. */
function keepTagKeys(strapi: Core.Strapi) {
  const setKey = (event: any) => {
    const data = event.params?.data;
    if (data && typeof data.name === 'string') data.nameKey = data.name.trim().toLowerCase();
  };
  strapi.db.lifecycles.subscribe({ models: [TAG_UID], beforeCreate: setKey, beforeUpdate: setKey });
}

/** A field mapping that writes a protected or unknown user attribute stops startup with the row at fault. */
function checkFieldMapping(strapi: Core.Strapi) {
  const config = pluginConfigSchema.parse(strapi.config.get('plugin::customerly'));
  const attributes = (strapi.contentType(USER_UID as any) as any).attributes;
  config.fieldMapping.forEach((row, i) => {
    const problem = mappingRowProblem(row, attributes, config.userTagsField);
    if (problem) {
      throw new Error(`Invalid config for plugin "customerly": "fieldMapping.${i}" (${row.from} → ${row.to}): ${problem}.`);
    }
  });
}

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  keepTagKeys(strapi);
  checkFieldMapping(strapi);
  await registerPermissions(strapi);
  // Each Strapi process runs a delivery worker (unless queue.enabled is false).
  strapi.plugin('customerly').service('worker').start();
};
