import settings from './settings';
import webhook from './webhook';
import sync from './sync';
import users from './users';
import roles from './roles';
import tags from './tags';
import deliveryRecord from './delivery-record';
import customerlyApi from './customerly-api';
import welcomeEmail from './welcome-email';
import deliveries from './deliveries';
import queue from './queue';
import runner from './runner';
import worker from './worker';

export default {
  settings,
  webhook,
  sync,
  users,
  roles,
  tags,
  'delivery-record': deliveryRecord,
  'customerly-api': customerlyApi,
  'welcome-email': welcomeEmail,
  deliveries,
  queue,
  runner,
  worker,
};
