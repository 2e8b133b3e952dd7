import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

/**
 * On shutdown the worker stops claiming and finishes the deliveries in hand, so no claim is left behind; then the
 * process's heartbeat row is removed (a row that stops beating would be taken for a crash).
 */
export default async ({ strapi }: { strapi: Core.Strapi }) => {
  await getService(strapi, 'worker').stop();
};
