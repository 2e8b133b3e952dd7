import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../../config/schema';
import { tagsFieldOf } from '../../config/read';
import { getService } from '../../utils/get-service';
import { afterAdd } from './after-add';
import { announce, doneOutcome, skippedOutcome } from './answer';
import { decide } from './decide';
import { learnContact } from './learn-contact';
import { matchUser } from './user-match';
import { createUser, updateUser } from './write-user';
import type { SyncNotes, SyncOutcome, SyncRequest } from './types';
import { withoutOutbound } from '../outbound/no-echo';
import { inboundRows } from '../outbound/mapping';

export { EVENTS } from './answer';
export type { SyncAction, SyncOutcome, SyncRequest } from './types';

/**
 * One delivery's work, as a sequence of steps: learn the contact (payload first, the API when the payload lacks tags
 * or fields), find its user, decide its role, tags and fields, write the user, the after-add effects, the answer.
 * Every action is a state sync, so running a delivery twice gives the same result.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * Every write of a delivery (a webhook, an import, a replay) is the plugin's own: it is never sent back to
   * Customerly (outbound/no-echo.ts), and only the `in` and `both` rows of the field mapping apply.
   */
  run(req: SyncRequest, all: PluginConfig): Promise<SyncOutcome> {
    const settings: PluginConfig = { ...all, fieldMapping: inboundRows(all.fieldMapping) };
    return withoutOutbound(() => this.sync(req, settings));
  },

  async sync(req: SyncRequest, settings: PluginConfig): Promise<SyncOutcome> {
    const notes: SyncNotes = { warnings: [], secrets: [] };

    // 1. The contact: what the payload lacks comes from the API.
    const client = getService(strapi, 'customerly-api').client(settings);
    const learned = await learnContact(req, settings, client);
    const { contact } = learned;

    // 2. The user this delivery may change (user-match.ts: ids, leads and email changes). The user's role is only
    //    read when a role parameter may change it.
    const rulesMayAct = settings.tagRules.length > 0 && contact.tags !== undefined;
    const candidates = await getService(strapi, 'users').findCandidates(
      contact,
      tagsFieldOf(strapi),
      !!req.params.role || rulesMayAct
    );
    const match = matchUser(contact, candidates, settings);
    if ('refused' in match) return skippedOutcome(req, learned, match.refused, match.reason, notes);
    const found = match.found ? match : undefined;
    if (!found && req.action !== 'add') {
      const reason = `No Strapi user is linked to ${contact.email}: nothing to update (use action=add to create users).`;
      return skippedOutcome(req, learned, 'no-matching-user', reason, notes);
    }

    // 3. The role (tag rules first), the mapped fields and the tags.
    const plan = await decide(strapi, req, contact, settings, notes, found?.user);

    // 4. The write, then the events.
    const written = found
      ? await updateUser(strapi, req, contact, found, plan, notes)
      : await createUser(strapi, contact, plan, settings, notes);
    const changes = announce(strapi, req, plan, written);

    // 5. After an add: the welcome email and the password return.
    const after = req.action === 'add' ? await afterAdd(strapi, req, contact, written, settings, client, notes) : {};

    // 6. The answer.
    return doneOutcome(req, learned, plan, written, changes, after, notes);
  },
});
