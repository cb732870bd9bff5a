/**
 * How a revocation reaches every instance: the trigger of migrations RevocationNotify, RevocationNotifyDetails and
 * RevocationNotifyCommitTime sends these payloads on this channel inside the revoking transaction, and
 * RevocationCache reads them. Both import this file, so the two ends cannot disagree.
 */

/** The channel the revocation trigger notifies and every listening instance listens on. */
export const REVOCATION_CHANNEL = 'auth_session_revoked';

/** `application_name` of the listening connection, to find it in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'nest-signout-revocations';

/** Above this many sessions ended by one statement, the trigger sends one notification per user instead. */
export const PER_SESSION_NOTIFY_LIMIT = 100;

/**
 * The longest payload the trigger sends with details, in bytes: PostgreSQL refuses one of 8000 or more. A longer one
 * (a host's user id or a revoke reason thousands of bytes long) goes as `s:<session id>` per session, without details.
 */
export const DETAILED_PAYLOAD_MAX_BYTES = 7999;

/** Why a live session row was deleted rather than revoked (plain SQL; the clean-up deletes only ended ones). */
export const DELETED_REASON = 'deleted';
/** Why a session whose expiry an UPDATE moved to the past ended, with no revoke reason written. */
export const EXPIRED_REASON = 'expired';

/**
 * Payload prefixes. `sessionEnded` and `userEnded` carry a JSON array: `[session id, user id, reason]` and
 * `[user id, reason]`. `session` (`s:<session id>`) and `user` (`u:<user id>`) carry no details: the trigger before
 * migration RevocationNotifyDetails sent only those, and the present one sends `s:` when details would not fit.
 * `marker` is a marker of the listener's delivery proof. `committedAt` (`t:<milliseconds since the epoch>;`) stamps
 * any of the revocation payloads with the database's clock when the revoking statement ended, just before its commit
 * (migration RevocationNotifyCommitTime); payloads without it are read as before.
 */
export const PAYLOAD = {
  session: 's:',
  user: 'u:',
  sessionEnded: 'se:',
  userEnded: 'ue:',
  marker: 'p:',
  committedAt: 't:',
} as const;

/** The separator after the `committedAt` stamp's digits. */
const STAMP_END = ';';

/**
 * What a notification tells. `userId` and `reason` of a session are absent from a payload without details,
 * `committedAtMs` (the database's clock, milliseconds since the epoch) from one without a stamp.
 */
export type RevocationMessage =
  | { kind: 'session'; sessionId: string; userId?: string; reason?: string; committedAtMs?: number }
  | { kind: 'user'; userId: string; reason?: string; committedAtMs?: number }
  | { kind: 'marker'; marker: string }
  | { kind: 'unknown' };

/**
 * The payload the trigger sends for a revocation (it builds it in SQL; this is for tests and tools): detailed while it
 * fits DETAILED_PAYLOAD_MAX_BYTES, else `s:<session id>` for a session and null for a user (the trigger then sends
 * `s:` for each of the user's sessions).
 */
export function encodeRevocation(message: {
  kind: 'session';
  sessionId: string;
  userId: string;
  reason: string;
}): string;
export function encodeRevocation(message: { kind: 'user'; userId: string; reason: string }): string | null;
export function encodeRevocation(
  message:
    | { kind: 'session'; sessionId: string; userId: string; reason: string }
    | { kind: 'user'; userId: string; reason: string },
): string | null {
  const detailed =
    message.kind === 'session'
      ? PAYLOAD.sessionEnded + JSON.stringify([message.sessionId, message.userId, message.reason])
      : PAYLOAD.userEnded + JSON.stringify([message.userId, message.reason]);
  if (Buffer.byteLength(detailed) <= DETAILED_PAYLOAD_MAX_BYTES) return detailed;
  return message.kind === 'session' ? PAYLOAD.session + message.sessionId : null;
}

/** Reads a payload; anything unknown or malformed makes the listener drop everything it holds. */
export function parseRevocation(payload: string | undefined): RevocationMessage {
  if (payload === undefined) return { kind: 'unknown' };
  if (!payload.startsWith(PAYLOAD.committedAt)) return parseUnstamped(payload);
  const end = payload.indexOf(STAMP_END);
  const digits = payload.slice(PAYLOAD.committedAt.length, end);
  if (end < 0 || !/^\d{1,15}$/.test(digits)) return { kind: 'unknown' };
  const message = parseUnstamped(payload.slice(end + 1));
  return message.kind === 'session' || message.kind === 'user'
    ? { ...message, committedAtMs: Number(digits) }
    : { kind: 'unknown' };
}

/** The stamp the trigger puts before a payload (for tests and tools; the trigger builds it in SQL). */
export const commitStamp = (committedAtMs: number): string =>
  `${PAYLOAD.committedAt}${Math.floor(committedAtMs)}${STAMP_END}`;

function parseUnstamped(payload: string): RevocationMessage {
  if (payload.startsWith(PAYLOAD.sessionEnded)) {
    const fields = jsonStrings(payload.slice(PAYLOAD.sessionEnded.length), 3);
    return fields
      ? { kind: 'session', sessionId: fields[0], userId: fields[1], reason: fields[2] }
      : { kind: 'unknown' };
  }
  if (payload.startsWith(PAYLOAD.userEnded)) {
    const fields = jsonStrings(payload.slice(PAYLOAD.userEnded.length), 2);
    return fields ? { kind: 'user', userId: fields[0], reason: fields[1] } : { kind: 'unknown' };
  }
  if (payload.startsWith(PAYLOAD.session)) return { kind: 'session', sessionId: payload.slice(PAYLOAD.session.length) };
  if (payload.startsWith(PAYLOAD.user)) return { kind: 'user', userId: payload.slice(PAYLOAD.user.length) };
  if (payload.startsWith(PAYLOAD.marker)) return { kind: 'marker', marker: payload };
  return { kind: 'unknown' };
}

/** A JSON array of exactly `count` strings, or null. */
function jsonStrings(text: string, count: number): string[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return Array.isArray(value) && value.length === count && value.every((field) => typeof field === 'string')
    ? value
    : null;
}

/** A SQL string literal of a protocol constant, for the migrations' trigger function. */
export const sqlLiteral = (value: string | number): string =>
  typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;

/**
 * The statement that notifies the ended sessions of `ended` (a query of `id`, `user_id`, `reason`), as the trigger of
 * migration RevocationNotifyDetails runs it: one `se:` per session, or with `perUser` one `ue:` per user and reason;
 * `s:<session id>` for each session whose detailed payload would pass DETAILED_PAYLOAD_MAX_BYTES. `to_json` of a text
 * array writes what `JSON.stringify` writes, so encodeRevocation gives the same payload. DISTINCT leaves one
 * notification per user without a join (PL/pgSQL plans a statement once, for the first statement's row counts).
 * With `stamp` (a SQL expression of text, the same for the whole statement so DISTINCT still folds), every payload
 * starts with it and the size bound counts it.
 */
export function notifyEndedSql(ended: string, perUser: boolean, stamp?: string): string {
  const detailed = perUser
    ? `${sqlLiteral(PAYLOAD.userEnded)} || to_json(ARRAY[user_id, reason])::text`
    : `${sqlLiteral(PAYLOAD.sessionEnded)} || to_json(ARRAY[id::text, user_id, reason])::text`;
  const prefix = stamp ? `${stamp} || ` : '';
  const bound = stamp
    ? `${sqlLiteral(DETAILED_PAYLOAD_MAX_BYTES)} - octet_length(${stamp})`
    : sqlLiteral(DETAILED_PAYLOAD_MAX_BYTES);
  return `
    PERFORM pg_notify(${sqlLiteral(REVOCATION_CHANNEL)}, payload) FROM (
      SELECT ${perUser ? 'DISTINCT ' : ''}CASE WHEN octet_length(detailed) <= ${bound}
        THEN ${prefix}detailed ELSE ${prefix}${sqlLiteral(PAYLOAD.session)} || id END AS payload
      FROM (SELECT id, ${detailed} AS detailed FROM (${ended}) ended_rows) with_payloads
    ) payloads`;
}

/**
 * The `committedAt` stamp as the trigger writes it, from the database's clock when the statement's trigger runs (the
 * commit follows; `now()` would be the transaction's start).
 */
export const COMMIT_STAMP_SQL =
  `${sqlLiteral(PAYLOAD.committedAt)} || floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint::text || ` +
  sqlLiteral(STAMP_END);
