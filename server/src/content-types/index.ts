import tag from './tag';
import delivery from './delivery';
import contactLock from './contact-lock';

export const TAG_UID = 'plugin::customerly.tag';
export const DELIVERY_UID = 'plugin::customerly.delivery';
export const CONTACT_LOCK_UID = 'plugin::customerly.contact-lock';
export const USER_UID = 'plugin::users-permissions.user';
export const ROLE_UID = 'plugin::users-permissions.role';

export default { tag, delivery, 'contact-lock': contactLock };
