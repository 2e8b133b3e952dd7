import tag from './tag';
import delivery from './delivery';

export const TAG_UID = 'plugin::customerly.tag';
export const DELIVERY_UID = 'plugin::customerly.delivery';
export const USER_UID = 'plugin::users-permissions.user';
export const ROLE_UID = 'plugin::users-permissions.role';

export default { tag, delivery };
