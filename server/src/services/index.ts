import webhook from './webhook';
import deliveryRecord from './delivery/store';
import queue from './delivery/queue';
import runner from './delivery/runner';
import worker from './delivery/worker';
import deliveries from './delivery/log';
import sync from './sync';
import outbound from './outbound';
import users from './sync/users';
import roles from './sync/roles';
import tags from './sync/tags';
import customerlyApi from './sync/customerly-api';
import welcomeEmail from './sync/welcome-email';
import settings from './settings';
import jobs from './jobs';
import jobWorker from './jobs/worker';
import reconcile from './jobs/reconcile';

/**
 * The registered services, by domain. Their names are the plugin's API (`strapi.plugin('customerly').service(name)`,
 * typed through utils/get-service.ts): keep them when files move.
 */
export default {
  // webhook/: receiving a call (access key, parameters, body, contact) and every answer it gets.
  webhook,
  // delivery/: the store, the durable queue, the runner and worker, the delivery log (read side).
  'delivery-record': deliveryRecord,
  queue,
  runner,
  worker,
  deliveries,
  // sync/: what a delivery does to a users-permissions user.
  sync,
  outbound,
  users,
  roles,
  tags,
  'customerly-api': customerlyApi,
  'welcome-email': welcomeEmail,
  // settings/: the effective settings, the panel's view and saves, the connection test.
  settings,
  // jobs/: long work in the background (apply the tag rules, imports): the admin API's side, the worker, the schedule.
  jobs,
  'job-worker': jobWorker,
  reconcile,
};
