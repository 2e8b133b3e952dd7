import type { Core } from '@strapi/strapi';

/**
 * The table and column names of a content type, from Strapi's metadata, for the few hot-path statements the
 * plugin writes directly. Looked up once per content type.
 */
export function tableColumns<A extends string>(strapi: Core.Strapi, uid: string, attributes: readonly A[]) {
  const meta = strapi.db.metadata.get(uid as any) as any;
  const out = { table: meta.tableName as string } as { table: string } & Record<A, string>;
  for (const a of attributes) (out as Record<string, string>)[a] = meta.attributes[a]?.columnName ?? a;
  return out;
}

/** Memoises `make` on first use (metadata is only complete after Strapi has loaded). */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
