/**
 * How a revocation reaches every instance: the trigger of migration RevocationNotify sends these
 * payloads on this channel inside the revoking transaction, and RevocationCache reads them. Both
 * import this file, so the two ends cannot disagree.
 */

/** The channel the revocation trigger notifies and every cached-mode instance listens on. */
export const REVOCATION_CHANNEL = 'auth_session_revoked';

/** `application_name` of the listening connection, to find it in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'nest-signout-revocations';

/** Above this many sessions ended by one statement, the trigger sends one notification per user instead. */
export const PER_SESSION_NOTIFY_LIMIT = 100;

/** Payload prefixes: one session ended, every session of one user ended, a marker of `sync()`. */
export const PAYLOAD = { session: 's:', user: 'u:', marker: 'p:' } as const;

/** What a notification asks of the cache. */
export type RevocationMessage =
  | { kind: 'session'; sessionId: string }
  | { kind: 'user'; userId: string }
  | { kind: 'marker'; marker: string }
  | { kind: 'unknown' };

/** Reads a payload; anything unknown makes the listener drop everything it holds. */
export function parseRevocation(payload: string | undefined): RevocationMessage {
  if (payload?.startsWith(PAYLOAD.session))
    return { kind: 'session', sessionId: payload.slice(PAYLOAD.session.length) };
  if (payload?.startsWith(PAYLOAD.user)) return { kind: 'user', userId: payload.slice(PAYLOAD.user.length) };
  if (payload?.startsWith(PAYLOAD.marker)) return { kind: 'marker', marker: payload };
  return { kind: 'unknown' };
}

/** A SQL string literal of a protocol constant, for the migration's trigger function. */
export const sqlLiteral = (value: string | number): string =>
  typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;
