import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../../config/schema';
import { tagsFieldOf } from '../../config/read';
import { getService } from '../../utils/get-service';
import type { Db } from '../delivery/connection-transaction';
import { afterAdd, afterAddCallsOut } from './after-add';
import { announce, changesOf, doneOutcome, skippedOutcome } from './answer';
import { decide } from './decide';
import { learnContact } from './learn-contact';
import { matchUser } from './user-match';
import { createUser, updateUser, type WrittenUser } from './write-user';
import type { SyncNotes, SyncOutcome, SyncRequest } from './types';

/**
 * Records the delivery's outcome in the transaction `trx` of the user's write (services/delivery/runner.ts): the user
 * and its delivery are committed together, or neither is.
 */
export type Settle = (outcome: SyncOutcome, trx: Db) => Promise<void>;
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
  run(req: SyncRequest, all: PluginConfig, settle?: Settle): Promise<SyncOutcome> {
    const settings: PluginConfig = { ...all, fieldMapping: inboundRows(all.fieldMapping) };
    return withoutOutbound(() => this.sync(req, settings, settle));
  },

  /**
   * `settle`: when given, the outcome is recorded through it in the transaction of the user's write (then the
   * outcome says `settled`), unless step 5 may call out: a transaction is never held open across a call to
   * Customerly or the email provider (on SQLite it would hold the app's only connection).
   */
  async sync(req: SyncRequest, settings: PluginConfig, settle?: Settle): Promise<SyncOutcome> {
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

    // 4. The write (5: after an add, the welcome email and the password return), then the events.
    const write = () =>
      found ? updateUser(strapi, req, contact, found, plan, notes) : createUser(strapi, contact, plan, settings, notes);
    const after = async (written: WrittenUser) =>
      req.action === 'add' ? await afterAdd(strapi, req, contact, written, settings, client, notes) : {};

    if (settle && (found || !afterAddCallsOut(req, settings))) {
      // One transaction for the user and the delivery's outcome: one commit where there were two.
      const done = await strapi.db.transaction(async ({ trx }) => {
        const written = await write();
        const changes = changesOf(plan, written);
        const outcome = doneOutcome(req, learned, plan, written, changes, await after(written), notes);
        await settle(outcome, trx as Db);
        return { written, changes, outcome };
      });
      announce(strapi, req, done.written, done.changes);
      return { ...done.outcome, settled: true };
    }

    const written = await write();
    const changes = changesOf(plan, written);
    announce(strapi, req, written, changes);
    // 6. The answer.
    return doneOutcome(req, learned, plan, written, changes, await after(written), notes);
  },
});
