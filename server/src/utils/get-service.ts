import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../../shared/contracts/permissions';
import type services from '../services';

/** The plugin's services by registered name (services/index.ts), each as its factory builds it. */
type Services = typeof services;
export type ServiceName = keyof Services;
export type ServiceOf<N extends ServiceName> = ReturnType<Services[N]>;

/**
 * A plugin service, typed from the services registry (as Strapi's i18n plugin does): `getService(strapi, 'queue')`
 * is `strapi.plugin('customerly').service('queue')` with its methods known.
 */
export function getService<N extends ServiceName>(strapi: Core.Strapi, name: N): ServiceOf<N> {
  return strapi.plugin(PLUGIN_ID).service(name) as ServiceOf<N>;
}
