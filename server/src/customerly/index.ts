export * from './client';
export * from './errors';
export * from './limiter';
export * from './retry';
export type { ApiContact, ContactListSource, ListRow } from './schemas';
