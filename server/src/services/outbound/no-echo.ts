import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * No echo (product.md, "Outbound"): what the plugin writes while it processes a Customerly delivery (a webhook, an
 * import, a replay) came from Customerly, so it is never sent back. The sync runs inside `withoutOutbound`; the user
 * lifecycles (lifecycles.ts) see the flag through the async context of the write and store no outbound record.
 */
const muted = new AsyncLocalStorage<true>();

/** Runs `fn` as the plugin's own sync write: no user change made inside it is sent to Customerly. */
export const withoutOutbound = <T>(fn: () => Promise<T>): Promise<T> => muted.run(true, fn);

/** Whether the current write is the plugin's own (inside `withoutOutbound`). */
export const outboundMuted = (): boolean => muted.getStore() === true;
