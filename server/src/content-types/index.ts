import tag from './tag';
import delivery from './delivery';
import contactLock from './contact-lock';
import workerProcess from './worker-process';

export const TAG_UID = 'plugin::customerly.tag';
export const DELIVERY_UID = 'plugin::customerly.delivery';
export const CONTACT_LOCK_UID = 'plugin::customerly.contact-lock';
export const WORKER_PROCESS_UID = 'plugin::customerly.worker-process';
/** The plugin's own records: hidden from the Content Manager and the Content-Type Builder, written only by the plugin. */
export const INTERNAL_UIDS = [DELIVERY_UID, CONTACT_LOCK_UID, WORKER_PROCESS_UID] as const;
export const USER_UID = 'plugin::users-permissions.user';
export const ROLE_UID = 'plugin::users-permissions.role';

export default { tag, delivery, 'contact-lock': contactLock, 'worker-process': workerProcess };
