export * from './server';
export * from './payloads';
