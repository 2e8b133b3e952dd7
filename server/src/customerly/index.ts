export * from './client';
export * from './errors';
export * from './limiter';
export type { ApiContact } from './schemas';
