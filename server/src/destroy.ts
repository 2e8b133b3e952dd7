import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

/**
 * On shutdown the job worker queues its jobs again after their batch in hand; the worker stops claiming and finishes
 * the deliveries in hand, so no claim is left behind; then the process's heartbeat row is removed (a row that stops
 * beating would be taken for a crash).
 */
export default async ({ strapi }: { strapi: Core.Strapi }) => {
  getService(strapi, 'reconcile').stop();
  // First the jobs in hand: each finishes its batch and goes back to the queue, while this process still beats.
  await getService(strapi, 'job-worker').stop();
  await getService(strapi, 'worker').stop();
};
