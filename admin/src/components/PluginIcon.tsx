import { Webhooks } from '@strapi/icons';

export const PluginIcon = () => <Webhooks />;
