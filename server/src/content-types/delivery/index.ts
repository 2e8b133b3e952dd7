import { DELIVERY_STATUSES } from '../../../../shared/contracts/deliveries';
import { WEBHOOK_ACTIONS } from '../../../../shared/contracts/webhook';
import { DELIVERY_DIRECTIONS, OUTBOUND_ACTIONS } from '../../../../shared/contracts/outbound';
import schema from './schema.json';

/**
 * The enumerations take their values from shared/contracts, the one list of actions (webhook and outbound), of
 * directions and of statuses.
 */
export default {
  schema: {
    ...schema,
    attributes: {
      ...schema.attributes,
      action: { ...schema.attributes.action, enum: [...WEBHOOK_ACTIONS, ...OUTBOUND_ACTIONS] },
      direction: { ...schema.attributes.direction, enum: [...DELIVERY_DIRECTIONS] },
      status: { ...schema.attributes.status, enum: [...DELIVERY_STATUSES] },
    },
  },
};
