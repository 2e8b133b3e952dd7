import webhook from './webhook';
import settings from './settings';
import deliveries from './deliveries';

export default { webhook, settings, deliveries };
