import type { Core } from '@strapi/strapi';

/**
 * The users-permissions `add` service in a loop, one user at a time, each `${prefix}${k}@example.com` with the same
 * password: the baseline of the add and import figures (bench/run.ts) and of the profilers.
 */
export async function addUsers(strapi: Core.Strapi, roleId: number, prefix: string, count: number): Promise<void> {
  const users = strapi.plugin('users-permissions').service('user');
  for (let k = 0; k < count; k++) {
    await users.add({
      username: `${prefix}${k}@example.com`,
      email: `${prefix}${k}@example.com`,
      password: 'Generated-Password-0123456789',
      provider: 'local',
      confirmed: true,
      blocked: false,
      role: roleId,
    });
  }
}
