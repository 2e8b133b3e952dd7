import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
import { endUserOf, type AuthState } from '../services/access/end-user';
import { readUserTagNames } from '../services/access/user-tags';

/** GET /api/customerly/me: the logged-in users-permissions user's Customerly tags and role type. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    const user = endUserOf(ctx.state as AuthState);
    if (!user) return ctx.unauthorized('Log in as a users-permissions user to read your Customerly tags.');
    const tags = await readUserTagNames(strapi, user.id);
    ctx.body = { tags: tags.sort((a, b) => a.localeCompare(b)), role: user.role?.type ?? null };
  },
});
