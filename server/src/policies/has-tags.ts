import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { cachedUserTags, userStamp } from '../services/access/tags-cache';
import { readUserTagNames } from '../services/access/user-tags';
import {
  describeRequirement,
  meetsRequirement,
  requirementProblem,
  tagRequirementSchema,
} from '../services/access/tag-requirement';

export interface PolicyContext {
  state: { user?: { id?: unknown; updatedAt?: unknown }; auth?: { strategy?: { name?: string } } };
}

/**
 * `plugin::customerly.has-tags`: the route opens to a logged-in users-permissions user whose Customerly tags include
 * one of `any` and all of `all` (ignoring case). Anyone else gets Strapi's 403 error JSON naming the tags needed.
 * Configs are checked at startup (services/access/route-policies.ts names the route); the validator is the backstop.
 */
export default {
  name: 'plugin::customerly.has-tags',
  validator(config: unknown) {
    const problem = requirementProblem(config);
    if (problem) throw new Error(`[customerly] has-tags policy: ${problem}`);
  },
  async handler(ctx: PolicyContext, config: unknown, { strapi }: { strapi: Core.Strapi }) {
    const requirement = tagRequirementSchema.parse(config ?? {});
    const message = `This requires ${describeRequirement(requirement)}.`;
    const user = ctx.state.user;
    const isEndUser = ctx.state.auth?.strategy?.name === 'users-permissions';
    if (!user || !isEndUser || typeof user.id !== 'number') {
      throw new errors.PolicyError(`${message} Log in first.`, { policy: 'has-tags', ...requirement });
    }
    const userId = user.id;
    const tags = await cachedUserTags(userId, userStamp(user), () => readUserTagNames(strapi, userId));
    if (!meetsRequirement(tags, requirement)) {
      throw new errors.PolicyError(message, { policy: 'has-tags', ...requirement });
    }
    return true;
  },
};
