import { JOB_STATUSES, JOB_TYPES } from '../../../../shared/contracts/jobs';
import schema from './schema.json';

/** The type and status enumerations take their values from shared/contracts/jobs.ts. */
export default {
  schema: {
    ...schema,
    attributes: {
      ...schema.attributes,
      type: { ...schema.attributes.type, enum: [...JOB_TYPES] },
      status: { ...schema.attributes.status, enum: [...JOB_STATUSES] },
    },
  },
};
