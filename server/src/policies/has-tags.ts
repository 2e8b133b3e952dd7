import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { endUserOf, type AuthState } from '../services/access/end-user';
import { cachedUserTags, userStamp } from '../services/access/tags-cache';
import { readUserTagNames } from '../services/access/user-tags';
import {
  describeRequirement,
  meetsRequirement,
  requirementProblem,
  tagRequirementSchema,
} from '../services/access/tag-requirement';

export interface PolicyContext {
  state: AuthState;
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
    const user = endUserOf(ctx.state);
    if (!user) throw new errors.PolicyError(`${message} Log in first.`, { policy: 'has-tags', ...requirement });
    const tags = await cachedUserTags(user.id, userStamp(user), () => readUserTagNames(strapi, user.id));
    if (!meetsRequirement(tags, requirement)) {
      throw new errors.PolicyError(message, { policy: 'has-tags', ...requirement });
    }
    return true;
  },
};
