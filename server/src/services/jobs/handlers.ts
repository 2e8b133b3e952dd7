import type { Core } from '@strapi/strapi';
import type { JobType } from '../../../../shared/contracts/jobs';
import { applyTagRulesHandler } from './apply-tag-rules';
import { importHandler } from './import';
import type { JobHandler } from './types';

/** What each job type does. A type without a handler cannot be started. */
const HANDLERS: Partial<Record<JobType, (strapi: Core.Strapi) => JobHandler<unknown>>> = {
  'apply-tag-rules': applyTagRulesHandler,
  import: importHandler,
};

export const hasHandler = (type: JobType): boolean => !!HANDLERS[type];

export function handlerFor(strapi: Core.Strapi, type: JobType): JobHandler<unknown> | undefined {
  return HANDLERS[type]?.(strapi);
}
