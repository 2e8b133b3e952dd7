import webhook from './webhook';
import settings from './settings';
import deliveries from './deliveries';
import me from './me';
import welcomeEmail from './welcome-email';
import jobs from './jobs';

export default { webhook, settings, deliveries, me, 'welcome-email': welcomeEmail, jobs };
