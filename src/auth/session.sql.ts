/**
 * Every statement the session store runs. Each state change is one statement
 * guarded by `revoked_at IS NULL`, so concurrent revocations have one winner.
 */

/** $1 user, $2 external device id|null, $3 device name, $4 push token, $5 ttl seconds, $6 ip, $7 user agent, $8 refresh token hash. */
export const CREATE_SESSION = `
  WITH device AS (
    INSERT INTO auth_devices (user_id, external_id, name, push_token)
    SELECT $1, $2::text, $3, $4 WHERE $2::text IS NOT NULL
    ON CONFLICT (user_id, external_id) DO UPDATE
      SET name = COALESCE(EXCLUDED.name, auth_devices.name),
          push_token = COALESCE(EXCLUDED.push_token, auth_devices.push_token),
          revoked_at = NULL
    RETURNING id
  ), session AS (
    INSERT INTO auth_sessions (user_id, device_id, expires_at, ip, user_agent)
    VALUES ($1, (SELECT id FROM device), now() + make_interval(secs => $5), $6, $7)
    RETURNING id, expires_at
  ), refresh AS (
    INSERT INTO auth_refresh_tokens (token_hash, session_id) SELECT $8, id FROM session
  )
  SELECT id, expires_at FROM session`;

/** $1 session id, $2 last-use resolution in seconds. */
export const FIND_SESSION = `
  SELECT s.user_id, s.revoked_at IS NOT NULL AS revoked, s.expires_at <= now() AS expired, s.expires_at,
         s.last_used_at < now() - make_interval(secs => $2) AS stale, d.external_id AS device_external_id
  FROM auth_sessions s LEFT JOIN auth_devices d ON d.id = s.device_id
  WHERE s.id = $1`;

/** $1 session id. */
export const TOUCH_SESSION = `UPDATE auth_sessions SET last_used_at = now() WHERE id = $1 AND revoked_at IS NULL`;

/** $1 session id, $2 reason. */
export const REVOKE_SESSION = `
  UPDATE auth_sessions SET revoked_at = now(), revoke_reason = $2
  WHERE id = $1 AND revoked_at IS NULL
  RETURNING id, user_id`;

/** $1 session id. */
export const SESSION_REVOKE_REASON = `SELECT revoke_reason FROM auth_sessions WHERE id = $1`;

/** $1 user, $2 external device id, $3 reason. One row: the device's id (null when the user has no such device) and the sessions revoked. */
export const REVOKE_DEVICE = `
  WITH device AS (
    UPDATE auth_devices SET revoked_at = COALESCE(revoked_at, now())
    WHERE user_id = $1 AND external_id = $2
    RETURNING id
  ), sessions AS (
    UPDATE auth_sessions SET revoked_at = now(), revoke_reason = $3
    WHERE device_id = (SELECT id FROM device) AND revoked_at IS NULL
    RETURNING id
  )
  SELECT (SELECT id FROM device) AS device_id, ARRAY(SELECT id FROM sessions) AS session_ids`;

/** $1 user, $2 reason, $3 a session id to spare, or null. */
export const REVOKE_USER_SESSIONS = `
  UPDATE auth_sessions SET revoked_at = now(), revoke_reason = $2
  WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)
  RETURNING id, user_id`;

/** $1 user, $2 session id, $3 reason. Only a live session of that user; no row otherwise. */
export const REVOKE_USER_SESSION = `
  UPDATE auth_sessions SET revoked_at = now(), revoke_reason = $3
  WHERE id = $2 AND user_id = $1 AND revoked_at IS NULL AND expires_at > now()
  RETURNING id, user_id`;

/** $1 user. The user's live sessions, most recently used first. */
export const LIST_SESSIONS = `
  SELECT s.id, s.created_at, s.last_used_at, s.expires_at, host(s.ip) AS ip, s.user_agent,
         d.external_id AS device_id, d.name AS device_name
  FROM auth_sessions s LEFT JOIN auth_devices d ON d.id = s.device_id
  WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
  ORDER BY s.last_used_at DESC, s.created_at DESC`;

/** $1 user, $2 external device id. */
export const FIND_DEVICE = `SELECT id FROM auth_devices WHERE user_id = $1 AND external_id = $2`;

/** $1 user, $2 push token: the user's devices that carry it stop carrying it. */
export const CLEAR_PUSH_TOKEN = `UPDATE auth_devices SET push_token = NULL WHERE user_id = $1 AND push_token = $2 RETURNING id`;

/** $1 presented refresh token hash, $2 its successor's hash. Rotates a live token of a live session; no row otherwise. */
export const ROTATE_REFRESH_TOKEN = `
  WITH used AS (
    UPDATE auth_refresh_tokens r SET rotated_at = now()
    FROM auth_sessions s
    WHERE r.token_hash = $1 AND r.rotated_at IS NULL
      AND s.id = r.session_id AND s.revoked_at IS NULL AND s.expires_at > now()
    RETURNING s.id, s.user_id, s.expires_at
  ), successor AS (
    INSERT INTO auth_refresh_tokens (token_hash, session_id) SELECT $2, id FROM used
  )
  SELECT id, user_id, expires_at FROM used`;

/** $1 presented refresh token hash, $2 reason. An already-rotated token came back: its session ends. */
export const REVOKE_SESSION_OF_REUSED_TOKEN = `
  UPDATE auth_sessions SET revoked_at = now(), revoke_reason = $2
  WHERE id = (SELECT session_id FROM auth_refresh_tokens WHERE token_hash = $1 AND rotated_at IS NOT NULL)
    AND revoked_at IS NULL
  RETURNING id, user_id`;

/**
 * Clean-up, each in bounded batches (`FOR UPDATE SKIP LOCKED`: never waits on
 * rows a request is changing). $1 the job's clock, $2 batch size. Sessions past
 * their expiry are marked revoked as of their expiry (reason `expired`).
 */
export const MARK_EXPIRED_SESSIONS = `
  WITH batch AS (
    SELECT id FROM auth_sessions WHERE revoked_at IS NULL AND expires_at <= $1
    ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
  )
  UPDATE auth_sessions s SET revoked_at = s.expires_at, revoke_reason = 'expired'
  FROM batch WHERE s.id = batch.id
  RETURNING s.id, s.user_id`;

/** $1 cut-off (clock minus retention), $2 batch size. Sessions (and their refresh tokens) that ended before the cut-off. */
export const PURGE_SESSIONS = `
  DELETE FROM auth_sessions WHERE id IN (
    SELECT id FROM auth_sessions WHERE expires_at < $1 OR revoked_at < $1
    LIMIT $2 FOR UPDATE SKIP LOCKED
  )`;

/** $1 cut-off, $2 batch size. Devices signed out before the cut-off that no session refers to any more. */
export const PURGE_DEVICES = `
  DELETE FROM auth_devices WHERE id IN (
    SELECT d.id FROM auth_devices d
    WHERE d.revoked_at < $1 AND NOT EXISTS (SELECT 1 FROM auth_sessions s WHERE s.device_id = d.id)
    LIMIT $2 FOR UPDATE SKIP LOCKED
  )`;
