/** Every contract the server and the admin panel share. Import from here, or from the domain file. */
export * from './permissions';
export * from './webhook';
export * from './deliveries';
export * from './settings';
export * from './mapping-compat';
export * from './errors';
export * from './email-template';
export * from './jobs';
