import type { Core } from '@strapi/strapi';
import type { Job, JobRequest, JobType, TagRulesPreview } from '../../../../shared/contracts/jobs';
import { getService } from '../../utils/get-service';
import { hasHandler } from './handlers';
import { previewTagRules } from './preview';
import { createJobStore, jobToApi, type CancelResult } from './store';

/** What starting a job did: queued, refused because one of its type is queued or running, or not available. */
export type StartResult =
  | { kind: 'created'; job: Job }
  | { kind: 'running'; job: Job }
  | { kind: 'duplicate'; job: Job }
  | { kind: 'unavailable'; type: JobType };

/**
 * The jobs as the admin API sees them (service `jobs`): start, list, read, cancel, and the preview of what a job
 * would change. The work itself is done by the job worker of any live process (worker.ts).
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = createJobStore(strapi);
  return {
    /** `runKey`: a key that makes a scheduled start happen once across processes (reconcile.ts). */
    async start(request: JobRequest, startedBy: string | null, runKey: string | null = null): Promise<StartResult> {
      if (!hasHandler(request.type)) return { kind: 'unavailable', type: request.type };
      const result = await store.create(request, startedBy, runKey);
      if ('running' in result) return { kind: 'running', job: jobToApi(result.running) };
      if ('duplicate' in result) return { kind: 'duplicate', job: jobToApi(result.duplicate) };
      getService(strapi, 'job-worker').wake();
      return { kind: 'created', job: jobToApi(result.created) };
    },

    async list(limit: number): Promise<Job[]> {
      return (await store.list(limit)).map(jobToApi);
    },

    async findOne(documentId: string): Promise<Job | null> {
      const job = await store.findByDocumentId(documentId);
      return job ? jobToApi(job) : null;
    },

    async cancel(documentId: string): Promise<{ result: CancelResult; job: Job | null }> {
      const result = await store.cancel(documentId);
      const job = await store.findByDocumentId(documentId);
      return { result, job: job ? jobToApi(job) : null };
    },

    /** What a job of this type would change, written nowhere; null for a type without a preview. */
    async preview(type: JobType): Promise<TagRulesPreview | null> {
      return type === 'apply-tag-rules' ? previewTagRules(strapi) : null;
    },
  };
};
