/**
 * A short, safe description of an unexpected error, for an answer, a stored delivery or a log line.
 * Database errors from knex start with the whole SQL statement ("insert into … - value too long"), which may quote
 * payload values and a password hash: only the database's own code and reason are kept.
 */
export function describeError(e: unknown): string {
  const err = e as { message?: unknown; code?: unknown; errno?: unknown; sqlMessage?: unknown } | undefined;
  const message = typeof err?.message === 'string' ? err.message : String(e);
  const code = typeof err?.code === 'string' || typeof err?.code === 'number' ? String(err.code) : undefined;
  const looksLikeSql = /\b(insert into|update\s+\S+\s+set|select\s.+\sfrom|delete from)\b/i.test(message);
  if (looksLikeSql || typeof err?.sqlMessage === 'string') {
    const reason = typeof err?.sqlMessage === 'string' ? err.sqlMessage : message.slice(message.lastIndexOf(' - ') + 3);
    return `a database error${code ? ` (${code})` : ''}: ${clip(reason.replace(/\s+/g, ' '), 160)}`;
  }
  return clip(message.replace(/\s+/g, ' '), 300);
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
