/**
 * Every statement the session store runs. Each state change is one statement
 * guarded by `revoked_at IS NULL`, so concurrent revocations have one winner.
 * Table names are qualified with the data source's schema (see db-schema.ts).
 */
import { EXPIRED_REASON, sqlLiteral } from '../revocation/revocation-protocol.js';
import { authTables } from './db-schema.js';

export type SessionSql = ReturnType<typeof sessionSql>;

/**
 * True for a session of alias `s` unused for longer than its own idle timeout (none: never). Its end is dated when the
 * timeout ran out, as an expiry is.
 */
const idle = (s: string) =>
  `(${s}.idle_timeout_seconds IS NOT NULL ` +
  `AND ${s}.last_used_at <= now() - make_interval(secs => ${s}.idle_timeout_seconds))`;
const idleEnd = (s: string) => `${s}.last_used_at + make_interval(secs => ${s}.idle_timeout_seconds)`;

export function sessionSql(schema?: string) {
  const t = authTables(schema);
  // A session's state as the guard reads it ($2: the longest last-use resolution in seconds).
  const sessionState = `s.user_id, s.revoked_at IS NOT NULL AS revoked, s.expires_at <= now() AS expired,
             (EXTRACT(EPOCH FROM s.expires_at - now()) * 1000)::float8 AS expires_in_ms,
             ${idle('s')} AS idle, s.idle_timeout_seconds,
             (EXTRACT(EPOCH FROM ${idleEnd('s')} - now()) * 1000)::float8 AS idle_in_ms,
             s.last_used_at < now() - make_interval(
               secs => LEAST($2::float8, GREATEST(1, COALESCE(s.idle_timeout_seconds / 10.0, $2::float8)))
             ) AS stale,
             d.external_id AS device_external_id
      FROM ${t.sessions} s LEFT JOIN ${t.devices} d ON d.id = s.device_id`;
  return {
    /**
     * $1 user, $2 external device id|null, $3 device name, $4 push token, $5 ttl seconds, $6 ip, $7 user agent, $8
     * refresh token hash, $9 idle timeout seconds|null, $10 identity provider issuer|null, $11 its session id|null,
     * $12 the user's subject there|null, $13 the ID token it issued|null.
     */
    CREATE_SESSION: `
      WITH device AS (
        INSERT INTO ${t.devices} AS d (user_id, external_id, name, push_token)
        SELECT $1, $2::text, $3, $4 WHERE $2::text IS NOT NULL
        ON CONFLICT (user_id, external_id) DO UPDATE
          SET name = COALESCE(EXCLUDED.name, d.name),
              push_token = COALESCE(EXCLUDED.push_token, d.push_token),
              revoked_at = NULL
        RETURNING id
      ), session AS (
        INSERT INTO ${t.sessions}
          (user_id, device_id, expires_at, ip, user_agent, idle_timeout_seconds,
           idp_issuer, idp_sid, idp_subject, idp_id_token)
        VALUES ($1, (SELECT id FROM device), now() + make_interval(secs => $5), $6, $7, $9::int, $10, $11, $12, $13)
        RETURNING id, expires_at
      ), refresh AS (
        INSERT INTO ${t.refreshTokens} (token_hash, session_id) SELECT $8, id FROM session
      )
      SELECT id, expires_at, floor(EXTRACT(EPOCH FROM expires_at - now()))::int AS expires_in FROM session`,

    /**
     * $1 session id, $2 longest last-use resolution in seconds: a session with an idle timeout records its use when the
     * record is older than a tenth of the timeout (at least 1 s, at most $2).
     */
    FIND_SESSION: `
      SELECT ${sessionState}
      WHERE s.id = $1`,

    /** $1 session ids (uuid[]), $2 as FIND_SESSION's: FIND_SESSION's row of each, with its id, in one statement. */
    FIND_SESSIONS: `
      SELECT s.id, ${sessionState}
      WHERE s.id = ANY($1::uuid[])`,

    /** The database's clock, the one every expiry is decided by. */
    DATABASE_NOW: 'SELECT now() AS now',

    /** $1 session id. */
    TOUCH_SESSION: `UPDATE ${t.sessions} SET last_used_at = now() WHERE id = $1 AND revoked_at IS NULL`,

    /** $1 session id, $2 reason. A live session past its idle timeout ends, dated when the timeout ran out. */
    REVOKE_IDLE_SESSION: `
      UPDATE ${t.sessions} s SET revoked_at = ${idleEnd('s')}, revoke_reason = $2
      WHERE s.id = $1 AND s.revoked_at IS NULL AND ${idle('s')}
      RETURNING s.id, s.user_id`,

    /** $1 refresh token hash, $2 reason. The token's session, live but past its idle timeout, ends. */
    REVOKE_IDLE_SESSION_OF_TOKEN: `
      UPDATE ${t.sessions} s SET revoked_at = ${idleEnd('s')}, revoke_reason = $2
      WHERE s.id = (SELECT session_id FROM ${t.refreshTokens} WHERE token_hash = $1)
        AND s.revoked_at IS NULL AND ${idle('s')}
      RETURNING s.id, s.user_id`,

    /** $1 user: serialises the sign-ins of one user until the transaction ends (the session limit). */
    LOCK_USER_SESSIONS: `SELECT pg_advisory_xact_lock(hashtextextended('nest-signout:sessions:' || $1, 0))`,

    /** $1 user. Live sessions (not revoked, expired or idle). */
    COUNT_LIVE_SESSIONS: `
      SELECT count(*)::int AS live FROM ${t.sessions} s
      WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT ${idle('s')}`,

    /**
     * $1 user, $2 sessions the user may keep before the new one, $3 reason, $4 true: least recently used first, false:
     * oldest first. Ends as many live sessions as make room for one more.
     */
    EVICT_SESSIONS_OVER_LIMIT: `
      WITH live AS (
        SELECT s.id, s.created_at, s.last_used_at FROM ${t.sessions} s
        WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT ${idle('s')}
      ), victims AS (
        SELECT id FROM live
        ORDER BY CASE WHEN $4::boolean THEN last_used_at ELSE created_at END, created_at
        LIMIT GREATEST(0, (SELECT count(*) FROM live) - $2::int + 1)
      )
      UPDATE ${t.sessions} s SET revoked_at = now(), revoke_reason = $3
      FROM victims v WHERE s.id = v.id
      RETURNING s.id, s.user_id`,

    /** $1 session id, $2 seconds. Whether its user proved their credentials at most that long ago. */
    SESSION_AUTHENTICATED_WITHIN: `
      SELECT COALESCE(authenticated_at, created_at) > now() - make_interval(secs => $2) AS fresh
      FROM ${t.sessions} WHERE id = $1`,

    /** $1 session id, $2 its user. A live session's user proved their credentials again: now. */
    REAUTHENTICATE_SESSION: `
      UPDATE ${t.sessions} s SET authenticated_at = now(), last_used_at = now()
      WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT ${idle('s')}
      RETURNING s.id`,

    /** $1 session id, $2 reason. */
    REVOKE_SESSION: `
      UPDATE ${t.sessions} SET revoked_at = now(), revoke_reason = $2
      WHERE id = $1 AND revoked_at IS NULL
      RETURNING id, user_id`,

    /**
     * $1 session id. Its user, and why it ended (as the revocation trigger says it), or null while it is live: for the
     * revocation stream, when a notification came without details or before the stream listened.
     */
    SESSION_END: `
      SELECT user_id, CASE WHEN revoked_at IS NOT NULL THEN revoke_reason
                           WHEN expires_at <= now() THEN ${sqlLiteral(EXPIRED_REASON)} END AS reason
      FROM ${t.sessions} WHERE id = $1`,

    /** $1 session id. */
    SESSION_REVOKE_REASON: `SELECT revoke_reason FROM ${t.sessions} WHERE id = $1`,

    /**
     * $1 user, $2 external device id, $3 reason. One row: the device's id (null when the user has no such device) and
     * the sessions revoked. The device stops carrying its push token, even when none of its sessions was live.
     */
    REVOKE_DEVICE: `
      WITH device AS (
        UPDATE ${t.devices} SET revoked_at = COALESCE(revoked_at, now()), push_token = NULL
        WHERE user_id = $1 AND external_id = $2
        RETURNING id
      ), sessions AS (
        UPDATE ${t.sessions} SET revoked_at = now(), revoke_reason = $3
        WHERE device_id = (SELECT id FROM device) AND revoked_at IS NULL
        RETURNING id
      )
      SELECT (SELECT id FROM device) AS device_id, ARRAY(SELECT id FROM sessions) AS session_ids`,

    /**
     * $1 user, $2 reason, $3 a session id to spare, or null. With none spared (sign-out everywhere, an account that
     * ends) every device of the user is signed out too, push token cleared. Sparing one, the other devices lose their
     * push token once their last session ends (trigger of migration 1763700000005).
     */
    REVOKE_USER_SESSIONS: `
      WITH sessions AS (
        UPDATE ${t.sessions} SET revoked_at = now(), revoke_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)
        RETURNING id, user_id
      ), devices AS (
        UPDATE ${t.devices} SET revoked_at = COALESCE(revoked_at, now()), push_token = NULL
        WHERE user_id = $1 AND $3::uuid IS NULL AND (revoked_at IS NULL OR push_token IS NOT NULL)
      )
      SELECT id, user_id FROM sessions`,

    /** $1 session id, $2 its user or null for any, $3 reason. Only a live session (of that user); no row otherwise. */
    REVOKE_LIVE_SESSION: `
      UPDATE ${t.sessions} SET revoked_at = now(), revoke_reason = $3
      WHERE id = $1 AND ($2::text IS NULL OR user_id = $2::text) AND revoked_at IS NULL AND expires_at > now()
      RETURNING id, user_id`,

    /**
     * $1 issuer, $2 logout token `jti`, $3 when the token can no longer be accepted, $4 the provider's session id|null,
     * $5 the user's subject there|null, $6 reason. Records the token and, only when it was not recorded before, ends
     * every live session of the provider it names (both given: both must match). One row: `fresh` false for a replay.
     */
    END_IDENTITY_PROVIDER_SESSIONS: `
      WITH recorded AS (
        INSERT INTO ${t.logoutTokens} (issuer, jti, expires_at) VALUES ($1, $2, $3)
        ON CONFLICT DO NOTHING
        RETURNING jti
      ), ended AS (
        UPDATE ${t.sessions} SET revoked_at = now(), revoke_reason = $6
        WHERE EXISTS (SELECT 1 FROM recorded) AND idp_issuer = $1 AND revoked_at IS NULL
          AND ($4::text IS NULL OR idp_sid = $4::text) AND ($5::text IS NULL OR idp_subject = $5::text)
        RETURNING id, user_id
      )
      SELECT EXISTS (SELECT 1 FROM recorded) AS fresh,
             COALESCE((SELECT json_agg(json_build_object('id', id, 'user_id', user_id)) FROM ended), '[]') AS ended`,

    /** $1 session id. The provider a session was opened through and the ID token it issued, if any. */
    SESSION_IDENTITY_PROVIDER: `SELECT idp_issuer, idp_id_token FROM ${t.sessions} WHERE id = $1`,

    /** $1 as of, $2 batch size: logout tokens that can no longer be accepted are forgotten. */
    PURGE_LOGOUT_TOKENS: `
      DELETE FROM ${t.logoutTokens} WHERE ctid IN (
        SELECT ctid FROM ${t.logoutTokens} WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,

    /** $1 user. The user's live sessions, most recently used first. */
    LIST_SESSIONS: `
      SELECT s.id, s.created_at, s.last_used_at, s.expires_at, host(s.ip) AS ip, s.user_agent,
             d.external_id AS device_id, d.name AS device_name
      FROM ${t.sessions} s LEFT JOIN ${t.devices} d ON d.id = s.device_id
      WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
      ORDER BY s.last_used_at DESC, s.created_at DESC`,

    /** $1 user, $2 external device id. */
    FIND_DEVICE: `SELECT id FROM ${t.devices} WHERE user_id = $1 AND external_id = $2`,

    /** $1 user, $2 push token: the user's devices that carry it stop carrying it. */
    CLEAR_PUSH_TOKEN: `UPDATE ${t.devices} SET push_token = NULL WHERE user_id = $1 AND push_token = $2 RETURNING id`,

    /**
     * $1 presented refresh token hash, $2 its successor's hash. Rotates a live token of a live session (not past its
     * idle timeout, which the use slides); no row otherwise.
     */
    ROTATE_REFRESH_TOKEN: `
      WITH used AS (
        UPDATE ${t.refreshTokens} r SET rotated_at = now()
        FROM ${t.sessions} s
        WHERE r.token_hash = $1 AND r.rotated_at IS NULL
          AND s.id = r.session_id AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT ${idle('s')}
        RETURNING s.id, s.user_id, s.expires_at
      ), successor AS (
        INSERT INTO ${t.refreshTokens} (token_hash, session_id) SELECT $2, id FROM used
      ), touched AS (
        UPDATE ${t.sessions} SET last_used_at = now() WHERE id IN (SELECT id FROM used)
      )
      SELECT id, user_id, expires_at, floor(EXTRACT(EPOCH FROM expires_at - now()))::int AS expires_in FROM used`,

    /**
     * $1 presented refresh token hash, $2 its successor's hash, $3 the reuse interval in seconds. A token rotated at
     * most that long ago, whose successor is not used yet, of a live session: the session (its use slides the idle
     * window); no row otherwise.
     */
    REUSE_ROTATED_REFRESH_TOKEN: `
      WITH parent AS (
        SELECT session_id FROM ${t.refreshTokens}
        WHERE token_hash = $1 AND rotated_at > now() - make_interval(secs => $3)
      ), reused AS (
        UPDATE ${t.sessions} s SET last_used_at = now()
        FROM parent p, ${t.refreshTokens} successor
        WHERE s.id = p.session_id AND successor.token_hash = $2 AND successor.session_id = s.id
          AND successor.rotated_at IS NULL AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT ${idle('s')}
        RETURNING s.id, s.user_id, s.expires_at
      )
      SELECT id, user_id, expires_at, floor(EXTRACT(EPOCH FROM expires_at - now()))::int AS expires_in FROM reused`,

    /** $1 presented refresh token hash, $2 reason. An already-rotated token came back: its session ends. */
    REVOKE_SESSION_OF_REUSED_TOKEN: `
      UPDATE ${t.sessions} SET revoked_at = now(), revoke_reason = $2
      WHERE id = (SELECT session_id FROM ${t.refreshTokens} WHERE token_hash = $1 AND rotated_at IS NOT NULL)
        AND revoked_at IS NULL
      RETURNING id, user_id`,

    /**
     * $1 a refresh token hash (current or rotated), $2 reason. RFC 7009: the token's session ends, when it is live
     * (not revoked, expired, or past its idle timeout); no row otherwise.
     */
    REVOKE_SESSION_OF_REFRESH_TOKEN: `
      UPDATE ${t.sessions} s SET revoked_at = now(), revoke_reason = $2
      WHERE s.id = (SELECT session_id FROM ${t.refreshTokens} WHERE token_hash = $1)
        AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT ${idle('s')}
      RETURNING s.id, s.user_id`,

    /**
     * $1 session id, $2 its user, $3 reason: the session a verified access token names ends, when it is live and the
     * token's subject owns it (RFC 7009); no row otherwise.
     */
    REVOKE_SESSION_OF_ACCESS_TOKEN: `
      UPDATE ${t.sessions} s SET revoked_at = now(), revoke_reason = $3
      WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT ${idle('s')}
      RETURNING s.id, s.user_id`,

    /**
     * Clean-up, each in bounded batches (`FOR UPDATE SKIP LOCKED`: never waits on
     * rows a request is changing). $1 the run's time (the database's now() unless a
     * caller names one), $2 batch size, $3 reason (`expired`). Sessions past
     * their expiry are marked revoked as of their expiry.
     */
    MARK_EXPIRED_SESSIONS: `
      WITH batch AS (
        SELECT id FROM ${t.sessions} WHERE revoked_at IS NULL AND expires_at <= $1
        ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
      )
      UPDATE ${t.sessions} s SET revoked_at = s.expires_at, revoke_reason = $3
      FROM batch WHERE s.id = batch.id
      RETURNING s.id, s.user_id`,

    /** $1 the run's time, $2 batch size, $3 reason. Live sessions past their idle timeout end, as of its end. */
    MARK_IDLE_SESSIONS: `
      WITH batch AS (
        SELECT id FROM ${t.sessions}
        WHERE revoked_at IS NULL AND idle_timeout_seconds IS NOT NULL
          AND last_used_at <= $1::timestamptz - make_interval(secs => idle_timeout_seconds)
        ORDER BY last_used_at LIMIT $2 FOR UPDATE SKIP LOCKED
      )
      UPDATE ${t.sessions} s SET revoked_at = ${idleEnd('s')}, revoke_reason = $3
      FROM batch WHERE s.id = batch.id
      RETURNING s.id, s.user_id`,

    /**
     * $1 cut-off (clock minus retention), $2 batch size. Sessions (and their refresh tokens) that ended before the cut-
     * off.
     */
    PURGE_SESSIONS: `
      DELETE FROM ${t.sessions} WHERE id IN (
        SELECT id FROM ${t.sessions} WHERE expires_at < $1 OR revoked_at < $1
        LIMIT $2 FOR UPDATE SKIP LOCKED
      )`,

    /** $1 cut-off, $2 batch size. Devices signed out before the cut-off that no session refers to any more. */
    PURGE_DEVICES: `
      DELETE FROM ${t.devices} WHERE id IN (
        SELECT d.id FROM ${t.devices} d
        WHERE d.revoked_at < $1 AND NOT EXISTS (SELECT 1 FROM ${t.sessions} s WHERE s.device_id = d.id)
        LIMIT $2 FOR UPDATE SKIP LOCKED
      )`,
  } as const;
}
