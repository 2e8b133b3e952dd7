import type { Core, Modules, Schema, UID } from '@strapi/strapi';
import tag from './tag';
import delivery from './delivery';
import contactLock from './contact-lock';
import workerProcess from './worker-process';
import job from './job';

/**
 * Every content-type UID the plugin reads or writes, typed once: each is a `UID.ContentType`, so `strapi.db.query`,
 * `strapi.documents` and `strapi.contentType` take them as they are.
 */
export const TAG_UID = 'plugin::customerly.tag' satisfies UID.ContentType;
export const DELIVERY_UID = 'plugin::customerly.delivery' satisfies UID.ContentType;
export const CONTACT_LOCK_UID = 'plugin::customerly.contact-lock' satisfies UID.ContentType;
export const WORKER_PROCESS_UID = 'plugin::customerly.worker-process' satisfies UID.ContentType;
export const JOB_UID = 'plugin::customerly.job' satisfies UID.ContentType;
export const USER_UID = 'plugin::users-permissions.user' satisfies UID.ContentType;
export const ROLE_UID = 'plugin::users-permissions.role' satisfies UID.ContentType;
/** The plugin's own records: hidden from the Content Manager and the Content-Type Builder, written only by the plugin. */
export const INTERNAL_UIDS = [DELIVERY_UID, CONTACT_LOCK_UID, WORKER_PROCESS_UID, JOB_UID] as const;

/**
 * The data of a document write. The app's generated types do not describe these content types (the user's attributes
 * depend on the app and on what register.ts adds), so the plugin's checked values are handed over as Strapi's type.
 */
export const documentData = <U extends UID.ContentType>(_uid: U, data: Record<string, unknown>) =>
  data as Modules.Documents.Params.Data.Input<U>;

/** The attributes of a content type as Strapi holds them now (for the user: with the plugin's additions). */
export const attributesOf = (strapi: Core.Strapi, uid: UID.ContentType): Schema.Attributes =>
  strapi.contentType(uid).attributes;

export default { tag, delivery, 'contact-lock': contactLock, 'worker-process': workerProcess, job };
