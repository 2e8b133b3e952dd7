import { Stack, Webhooks } from '@strapi/icons';

export const PluginIcon = () => <Webhooks />;

/** The Customerly jobs page in the main menu. */
export const JobsIcon = () => <Stack />;
