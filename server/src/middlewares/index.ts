import webhookIntake from './webhook-intake';

export default { 'webhook-intake': webhookIntake };
