import type { PluginConfig } from '../../config/schema';
import type { CustomerlyClient } from '../../customerly';
import { normaliseTags, type ContactInput } from '../webhook/contact';
import { mappingReadsContact } from './field-mapping';
import type { SyncRequest } from './types';

/** The contact as the delivery will apply it, with where it came from (for the answer). */
export interface LearnedContact {
  contact: ContactInput;
  /** `{kind, source: 'payload' | 'payload+api', apiCalls, apiSkipped?}`: shown as `contact` in the answer. */
  summary: Record<string, unknown>;
  /** Why the tags are left as they are, when the contact's tags stay unknown. */
  tagsReason: string;
}

/**
 * Step 1, learn the contact: the payload first; the Customerly API (one call) when the payload lacks the tags, or
 * the fields the mapping reads.
 */
export async function learnContact(
  req: SyncRequest,
  settings: PluginConfig,
  client: CustomerlyClient | null
): Promise<LearnedContact> {
  let contact = req.contact;
  const needTags = contact.tags === undefined;
  const needDetails =
    req.action !== 'update_tags' && contact.attributes === undefined && mappingReadsContact(settings.fieldMapping);
  const summary: Record<string, unknown> = { kind: contact.kind, source: 'payload', apiCalls: 0 };
  let tagsReason = 'the payload had no tags';
  // An import asks Customerly once per contact only when the job said so (its list rows carry no tags).
  const importNoLookup = req.origin?.source === 'import' && !req.origin.fetchTags;

  if ((needTags || needDetails) && importNoLookup) {
    tagsReason = "the import's list rows carry no tags (the job did not ask to fetch them)";
    summary.apiSkipped = 'import without fetchTags';
  } else if ((needTags || needDetails) && client) {
    const before = client.requestCount;
    // By email only: the payload's user_id is set by the website's script (a visitor can claim another's), and the
    // record it finds would bring that other contact's Customerly id, tags and fields.
    const answer = await client.findContact({ email: contact.email, kind: contact.kind });
    summary.apiCalls = client.requestCount - before;
    const apiEmail = answer?.contact.email;
    const found =
      answer && (typeof apiEmail !== 'string' || apiEmail.trim().toLowerCase() === contact.email) ? answer : null;
    if (answer && !found) summary.apiIgnored = 'the Customerly record found has another email';
    if (found) {
      const c = found.contact;
      summary.source = 'payload+api';
      summary.kind = found.kind;
      contact = {
        ...contact,
        kind: found.kind,
        crmheroUserId: contact.crmheroUserId ?? (c.crmhero_user_id != null ? String(c.crmhero_user_id) : undefined),
        userId: contact.userId ?? (c.user_id != null && c.user_id !== '' ? String(c.user_id) : undefined),
        name: contact.name ?? c.name ?? undefined,
        attributes: contact.attributes ?? c.attributes ?? undefined,
        tags: contact.tags ?? (c.tags ? normaliseTags(c.tags) : undefined),
      };
      if (contact.tags === undefined) tagsReason = 'neither the payload nor the Customerly API gave the tags';
    } else {
      tagsReason = 'the payload had no tags and Customerly does not know the contact';
    }
  } else if (needTags || needDetails) {
    tagsReason = 'the payload had no tags and no Customerly API token is set';
    summary.apiSkipped = 'no API token';
  }
  return { contact, summary, tagsReason };
}
