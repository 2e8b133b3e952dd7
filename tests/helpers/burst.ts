import { userWebhook } from '../fake-customerly';

export interface BurstDelivery {
  email: string;
  action: 'add' | 'update' | 'update_tags';
  tags: string[];
  query: Record<string, string>;
  body: unknown;
}

/**
 * A burst of deliveries over `contacts` contacts: one `add` per contact first, then rounds of "tagged"
 * (update_tags) and "updated" (update) events for the same contacts, interleaved. Every delivery carries the
 * contact's full tag set at that moment, as Customerly would send it, so the last delivery of a contact
 * says what its user must end with.
 */
export function makeBurst(
  prefix: string,
  contacts: number,
  total: number,
  key: string,
  extraQuery: Record<string, string> = {}
): BurstDelivery[] {
  const out: BurstDelivery[] = [];
  const email = (c: number) => `${prefix}-${c}@burst.example.com`;
  for (let c = 0; c < contacts && out.length < total; c++) {
    const tags = [`${prefix}-base`, `c${c}-v0`];
    out.push({
      email: email(c),
      action: 'add',
      tags,
      query: { action: 'add', access_key: key, ...extraQuery },
      body: userWebhook({ email: email(c), tags, attributes: {} }),
    });
  }
  for (let round = 1; out.length < total; round++) {
    for (let c = 0; c < contacts && out.length < total; c++) {
      const action = (round + c) % 2 === 0 ? 'update_tags' : 'update';
      const tags = [`${prefix}-base`, `c${c}-v${round}`, ...(round % 3 === 0 ? ['every-third'] : [])];
      const event = action === 'update_tags' ? 'contact_tagged' : 'contact_updated';
      out.push({
        email: email(c),
        action,
        tags,
        query: { action, access_key: key, ...extraQuery },
        body: userWebhook({ email: email(c), tags, attributes: { round } }, event),
      });
    }
  }
  return out;
}

/** The tags each contact must end with: those of its last delivery. */
export function expectedTags(burst: BurstDelivery[]): Map<string, string[]> {
  const last = new Map<string, string[]>();
  for (const d of burst) last.set(d.email, [...d.tags].sort());
  return last;
}
