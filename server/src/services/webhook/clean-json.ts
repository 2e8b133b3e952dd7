import { WebhookError } from './answers';

/**
 * Makes a parsed JSON payload safe to store and to process, in place:
 *  - a `__proto__` key anywhere is refused: a copy of the payload made with plain assignment would turn it into
 *    the object's prototype, so the contact processed could differ from the one stored and logged;
 *  - NUL characters and lone surrogates become U+FFFD (the replacement character), in keys and in values.
 *    PostgreSQL refuses both (`text` and `jsonb`), so such a payload could never be stored there and Customerly
 *    would retry it forever. End users type them into the chat widget. They are replaced, not removed, so that a
 *    cleaned value never becomes another one ("a<NUL>@b.co" must not turn into the address a@b.co).
 *  - nesting deeper than MAX_DEPTH is refused: storing and signing the payload walk it recursively (a few thousand
 *    levels overflow the stack, so it could never be stored and Customerly would retry it forever), and MySQL's
 *    JSON columns stop at 100 levels. A Customerly payload is about six levels deep.
 * The walk itself uses its own stack, so it never overflows whatever it is given.
 */
export const MAX_DEPTH = 64;

export function cleanJsonPayload(root: unknown): void {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: root, depth: 1 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (depth > MAX_DEPTH && node && typeof node === 'object') {
      throw new WebhookError(
        400,
        'invalid_payload',
        `The payload is nested more than ${MAX_DEPTH} levels deep, which no Customerly webhook is: send the contact as Customerly does.`
      );
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i];
        if (typeof v === 'string') node[i] = cleanText(v);
        else if (v && typeof v === 'object') stack.push({ node: v, depth: depth + 1 });
      }
    } else if (node && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      for (const key of Object.keys(obj)) {
        if (key === '__proto__') {
          throw new WebhookError(
            400,
            'invalid_payload',
            'The payload has a key named "__proto__", which is never part of a Customerly webhook: remove it.'
          );
        }
        const v = obj[key];
        const value = typeof v === 'string' ? cleanText(v) : v;
        const cleanKey = cleanText(key);
        if (cleanKey !== key) {
          delete obj[key];
          obj[cleanKey] = value;
        } else if (value !== v) obj[key] = value;
        if (value && typeof value === 'object') stack.push({ node: value, depth: depth + 1 });
      }
    }
  }
}

const NUL = '\u0000';
const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text with every NUL character and every lone surrogate replaced by U+FFFD. */
export function cleanText(text: string): string {
  // The common case (nothing to clean) costs two scans per string.
  if (!text.includes(NUL) && !SURROGATE.test(text)) return text;
  return text.replaceAll(NUL, '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
}

/** Whether a query-string value holds a character no database column can take (NUL). */
export const hasNul = (text: string) => text.includes(NUL);
