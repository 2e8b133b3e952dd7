import settings from './settings';
import webhook from './webhook';

export default { settings, webhook };
