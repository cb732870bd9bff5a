/** Names of the four documented logout routes. */
export type LogoutRouteName = 'signout' | 'authLogout' | 'fibLogout' | 'v3Logout';

/** Names of the admin routes, mounted only when the host gives the `admin` extra. */
export type AdminRouteName = 'adminListSessions' | 'adminRevokeSession' | 'adminRevokeSessions';

/** Names of every route the module can mount, as used in the `routes` option. */
export type AuthRouteName =
  | LogoutRouteName
  | 'refresh'
  | 'revokeToken'
  | 'backchannelLogout'
  | 'logoutAll'
  | 'logoutOthers'
  | 'listSessions'
  | 'revokeSession'
  | AdminRouteName;

/** The JWT `typ` header our access tokens carry (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Revoke reasons written to `auth_sessions.revoke_reason`. */
export const RevokeReason = {
  logout: 'logout',
  logoutAll: 'logout_all',
  logoutOthers: 'logout_others',
  deviceSignout: 'device_signout',
  sessionRevoked: 'session_revoked',
  userDisabled: 'user_disabled',
  userDeleted: 'user_deleted',
  refreshTokenReuse: 'refresh_token_reuse',
  expired: 'expired',
  idleTimeout: 'idle_timeout',
  sessionLimit: 'session_limit',
  credentialsChanged: 'credentials_changed',
  admin: 'admin',
  tokenRevoked: 'token_revoked',
  backchannelLogout: 'backchannel_logout',
} as const;

/** RFC 7009 `token_type_hint` values: the kinds of token `POST /auth/revoke` takes. */
export type RevocableTokenType = 'refresh_token' | 'access_token';
export type RevokeReason = (typeof RevokeReason)[keyof typeof RevokeReason] | (string & {});

/** A session's last-use time is written at most this often, not on every request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Session ids are UUIDs; anything else names no session. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * What PostgreSQL text cannot hold: NUL, and a lone UTF-16 surrogate (it has no UTF-8 form, so the value
 * would not be stored as sent). A string matching it is refused as the caller's mistake, never sent in SQL.
 */
export const UNSTORABLE_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** The message of a field refused by UNSTORABLE_TEXT. */
export const unstorableTextMessage = (field: string) => `${field} must not contain NUL or unpaired surrogates`;
/** The host's TypeORM data source, whichever name it has. */
export const AUTH_DATA_SOURCE = Symbol('AUTH_DATA_SOURCE');
