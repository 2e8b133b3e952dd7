import redactRequestLog from './redact-request-log';
import webhookIntake from './webhook-intake';

export default { 'webhook-intake': webhookIntake, 'redact-request-log': redactRequestLog };
