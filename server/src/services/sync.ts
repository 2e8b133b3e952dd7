import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config/schema';
import { USER_UID } from '../content-types';
import type { CustomerlyClient } from '../customerly';
import type { ContactInput } from '../webhook/contact';
import { normaliseTags } from '../webhook/contact';
import { REDACTED } from '../utils/redact';
import type { WebhookParams } from '../webhook/params';
import { applyMapping, mappingReadsContact, type MappingResult } from './field-mapping';
import { isAllowed, requestedRole, type RoleRef } from './roles';
import { diffTags, type TagRef } from './tags';
import { baseUsername, generatePassword, type SyncedUser } from './users';
import { matchUser, type UserCandidates } from './user-match';

export type SyncAction = 'add' | 'update' | 'update_tags';

export interface SyncRequest {
  action: SyncAction;
  params: WebhookParams;
  contact: ContactInput;
  eventId: string;
}

export interface SyncOutcome {
  status: 'done' | 'skipped';
  body: Record<string, unknown>;
  userId?: number;
  /** Problems that did not stop the delivery (e.g. the password could not be returned). */
  warnings: string[];
  /** Values that must never be stored or logged (a password given or generated). */
  secrets: string[];
}

const svc = (strapi: Core.Strapi, name: string) => strapi.plugin('customerly').service(name);

/** The events the plugin emits on Strapi's event hub. */
export const EVENTS = {
  tagsChanged: 'customerly.tags.changed',
  userCreated: 'customerly.user.created',
  userUpdated: 'customerly.user.updated',
} as const;

const publicUser = (u: SyncedUser) => ({ id: u.id, documentId: u.documentId, email: u.email, username: u.username });

/**
 * One delivery's work: learn the contact (payload first, the API when the payload lacks tags or fields), find its
 * user, then create or update the user, its role, tags and mapped fields. Every action is a state sync, so running
 * a delivery twice gives the same result.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async run(req: SyncRequest, settings: PluginConfig): Promise<SyncOutcome> {
    const tagsField: string = strapi.plugin('customerly').config('userTagsField') ?? 'tags';
    const warnings: string[] = [];
    const secrets: string[] = [];

    // 1. The contact: what the payload lacks comes from the API.
    const client: CustomerlyClient | null = svc(strapi, 'customerly-api').client(settings);
    const learned = await learnContact(req, settings, client);
    const contact = learned.contact;

    // 2. The user this delivery may change (user-match.ts: ids, leads and email changes).
    // The user's role is only read when a role parameter may change it.
    const candidates: UserCandidates = await svc(strapi, 'users').findCandidates(contact, tagsField, !!req.params.role);
    const match = matchUser(contact, candidates, settings);
    if ('refused' in match) {
      return {
        status: 'skipped',
        body: { ok: true, action: req.action, eventId: req.eventId, skipped: match.refused, reason: match.reason, contact: learned.summary },
        warnings,
        secrets,
      };
    }
    const found = match.found ? match : undefined;
    if (!found && req.action !== 'add') {
      return {
        status: 'skipped',
        body: { ok: true, action: req.action, eventId: req.eventId, skipped: 'no-matching-user', reason: `No Strapi user is linked to ${contact.email}: nothing to update (use action=add to create users).`, contact: learned.summary },
        warnings,
        secrets,
      };
    }

    // The role policy is only needed to give a role: a role parameter, or a new user.
    const { roles, policy } = req.params.role || !found ? await svc(strapi, 'roles').policy(settings) : { roles: [], policy: undefined };
    const wantedRole: RoleRef | undefined = req.params.role && policy ? requestedRole(roles, policy, req.params.role) : undefined;
    const userAttributes = (strapi.contentType(USER_UID as any) as any).attributes;
    const mapping: MappingResult | undefined =
      req.action === 'update_tags' ? undefined : applyMapping(contact, settings.fieldMapping, userAttributes, tagsField);
    // A replayed delivery has the password redacted: a new one is generated instead.
    if (mapping?.password === REDACTED) delete mapping.password;
    if (mapping?.password) secrets.push(mapping.password);
    for (const s of mapping?.skipped ?? []) warnings.push(`field ${s.from} → ${s.to} skipped: ${s.reason}`);

    // Tags are created outside the user's write, so that a concurrent insert of the same tag cannot poison it.
    const tagRefs: TagRef[] | undefined = contact.tags ? await svc(strapi, 'tags').ensure(contact.tags) : undefined;
    const tagIds = tagRefs?.map((t) => t.id);

    let user: SyncedUser;
    let created = false;
    let previousTags: string[] = [];
    let roleResult: Record<string, unknown> | undefined;
    let changedFields: string[] = [];
    let emailResult: Record<string, unknown> | undefined;
    let password: { value: string; generated: boolean } | undefined;

    if (found) {
      user = found.user;
      previousTags = ((user[tagsField] as TagRef[] | undefined) ?? []).map((t) => t.name);
      const data: Record<string, unknown> = { ...(mapping?.data ?? {}) };
      if (tagIds) data[tagsField] = { set: tagIds.map((id) => ({ id })) };
      if (contact.crmheroUserId && user.customerlyContactId !== contact.crmheroUserId) data.customerlyContactId = contact.crmheroUserId;
      if (contact.userId && user.customerlyUserId !== contact.userId) data.customerlyUserId = contact.userId;
      if (req.action !== 'update_tags') {
        if (found.email.change) {
          data.email = found.email.to;
          emailResult = { changed: true, from: found.email.from, to: found.email.to };
        } else if (found.email.reason) {
          emailResult = { changed: false, reason: found.email.reason };
          warnings.push(found.email.reason);
        }
      }
      if (wantedRole) {
        if (user.role?.id === wantedRole.id) roleResult = { name: wantedRole.name, changed: false };
        else if (!isAllowed(policy!, user.role)) {
          roleResult = { name: user.role?.name ?? null, changed: false, kept: `the current role is not on the webhook allowlist, so it is not changed` };
        } else {
          data.role = wantedRole.id;
          roleResult = { name: wantedRole.name, changed: true, from: user.role?.name ?? null };
        }
      }
      changedFields = Object.keys(mapping?.data ?? {}).filter((k) => !sameValue(user[k], mapping!.data[k]));
      if (Object.keys(data).length) {
        await strapi.documents(USER_UID as any).update({ documentId: user.documentId, data: data as any });
      }
    } else {
      const role = wantedRole ?? policy!.defaultRole;
      const usersSvc = svc(strapi, 'users');
      const username: string = await usersSvc.freeUsername(mapping?.login || baseUsername(settings.usernameFormat, contact.email, contact.name));
      password = mapping?.password ? { value: mapping.password, generated: false } : { value: generatePassword(), generated: true };
      secrets.push(password.value);
      const createdUser = await strapi.plugin('users-permissions').service('user').add({
        ...(mapping?.data ?? {}),
        username,
        email: contact.email,
        password: password.value,
        provider: 'local',
        confirmed: settings.confirmed,
        blocked: false,
        role: role.id,
        [tagsField]: tagIds ?? [],
        customerlyContactId: contact.crmheroUserId ?? null,
        customerlyUserId: contact.userId ?? null,
        customerlyCreated: true,
      });
      user = { ...createdUser, role };
      created = true;
      changedFields = Object.keys(mapping?.data ?? {});
      roleResult = { name: role.name, changed: true };
    }

    // 3. What changed, for the answer and the event hub.
    const nextTags = tagRefs ? tagRefs.map((t) => t.name) : previousTags;
    const diff = tagRefs ? diffTags(previousTags, nextTags) : { added: [], removed: [] };
    const eventUser = publicUser(user);
    if (diff.added.length || diff.removed.length) {
      strapi.eventHub.emit(EVENTS.tagsChanged, { user: eventUser, added: diff.added, removed: diff.removed, tags: nextTags });
    }
    if (req.action !== 'update_tags') {
      strapi.eventHub.emit(created ? EVENTS.userCreated : EVENTS.userUpdated, { user: eventUser, eventId: req.eventId });
    }

    // 4. After the user is saved: the welcome email and the password return. Their failures do not undo the user.
    let welcomeEmail: string | undefined;
    let passwordReturn: string | undefined;
    if (req.action === 'add') {
      const wanted = req.params.send_notification ?? settings.welcomeEmail.always;
      if (!wanted) welcomeEmail = 'not-requested';
      else if (!created) welcomeEmail = 'not-sent-existing-user';
      else {
        try {
          await svc(strapi, 'welcome-email').send(user, settings);
          welcomeEmail = 'sent';
        } catch (e) {
          welcomeEmail = 'failed';
          warnings.push(`the welcome email could not be sent: ${(e as Error).message}`);
        }
      }
      passwordReturn = await returnPassword(settings, client, contact, password, warnings);
    }

    return {
      status: 'done',
      userId: user.id,
      warnings,
      secrets,
      body: {
        ok: true,
        action: req.action,
        eventId: req.eventId,
        user: { ...eventUser, created },
        tags: tagRefs
          ? { names: nextTags, added: diff.added, removed: diff.removed }
          : { names: nextTags, unchanged: true, reason: learned.tagsReason },
        ...(mapping ? { fields: { updated: changedFields, skipped: mapping.skipped.map((s) => `${s.from} → ${s.to}`) } } : {}),
        ...(roleResult ? { role: roleResult } : {}),
        ...(emailResult ? { email: emailResult } : {}),
        ...(welcomeEmail ? { welcomeEmail } : {}),
        ...(passwordReturn ? { passwordReturn } : {}),
        contact: learned.summary,
        ...(warnings.length ? { warnings } : {}),
      },
    };
  },
});

async function learnContact(req: SyncRequest, settings: PluginConfig, client: CustomerlyClient | null) {
  let contact = req.contact;
  const needTags = contact.tags === undefined;
  const needDetails = req.action !== 'update_tags' && contact.attributes === undefined && mappingReadsContact(settings.fieldMapping);
  const summary: Record<string, unknown> = { kind: contact.kind, source: 'payload', apiCalls: 0 };
  let tagsReason = 'the payload had no tags';

  if ((needTags || needDetails) && client) {
    const before = client.requestCount;
    const found = await client.findContact({ email: contact.email, userId: contact.userId, kind: contact.kind });
    summary.apiCalls = client.requestCount - before;
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

async function returnPassword(
  settings: PluginConfig,
  client: CustomerlyClient | null,
  contact: ContactInput,
  password: { value: string; generated: boolean } | undefined,
  warnings: string[]
): Promise<string> {
  if (!settings.returnPassword.enabled) return 'not-enabled';
  if (!password) return 'not-created';
  if (!password.generated) return 'not-generated';
  if (!client) {
    warnings.push('the password could not be returned: no Customerly API token is set');
    return 'failed';
  }
  try {
    await client.writeAttributes(contact.kind, contact.email, { [settings.returnPassword.attribute]: password.value });
    return 'written';
  } catch (e) {
    warnings.push(`the password could not be returned to Customerly: ${(e as Error).message}`);
    return 'failed';
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date) a = a.toISOString();
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
