import { DELIVERY_STATUSES } from '../../../../shared/contracts/deliveries';
import { WEBHOOK_ACTIONS } from '../../../../shared/contracts/webhook';
import schema from './schema.json';

/** The two enumerations take their values from shared/contracts, the one list of actions and of statuses. */
export default {
  schema: {
    ...schema,
    attributes: {
      ...schema.attributes,
      action: { ...schema.attributes.action, enum: [...WEBHOOK_ACTIONS] },
      status: { ...schema.attributes.status, enum: [...DELIVERY_STATUSES] },
    },
  },
};
