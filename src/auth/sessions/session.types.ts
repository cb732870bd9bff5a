import type { RevokeReason } from '../auth.constants.js';

/** What `createSession` needs: the user, and optionally the client's device and request facts. */
export interface CreateSessionInput {
  userId: string;
  /** The client's own device id; sessions of one device can be revoked together. */
  deviceId?: string;
  deviceName?: string;
  pushToken?: string;
  ip?: string;
  userAgent?: string;
  /** Opens it with the `rememberMe` lifetimes ("remember me" at sign-in). Default false. */
  rememberMe?: boolean;
  /** The OpenID Connect provider the user signed in through: a back-channel logout from it ends the session. */
  identityProvider?: IdentityProviderSession;
}

/** Where a session came from: the provider's issuer, its session id and the user's subject there (ID token claims). */
export interface IdentityProviderSession {
  /** The provider's `iss`, exactly as its tokens carry it. */
  issuer: string;
  /** The provider's session id (`sid` of the ID token), when it sends one. */
  sid?: string;
  /** The user's subject at the provider (`sub` of the ID token). */
  sub: string;
  /**
   * The ID token itself: kept for RP-initiated logout (`providerLogout`), which hands it back to the provider as
   * `id_token_hint`. Leave it out when that is not used: the module keeps nothing it does not need.
   */
  idToken?: string;
}

export interface CreatedSession {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  sessionId: string;
  /** Opaque, single-use: `refreshSession` trades it for a new pair. */
  refreshToken: string;
  /** Seconds until the session ends, and with it the refresh token. */
  sessionExpiresIn: number;
}

/** The session behind a request that passed `JwtGuard`. */
export interface AuthenticatedSession {
  userId: string;
  sessionId: string;
  /** The client's device id, or null for a session without a device. */
  deviceId: string | null;
  /** The access token's `jti`. */
  tokenId: string;
}

export interface RevokedDevice {
  deviceId: string;
  revokedSessionIds: string[];
}

/** What else a sign-out ends, beside the session itself. */
export interface SignOutOptions {
  /** Revoke reason written on the session. Default `logout`. */
  reason?: RevokeReason;
  /** The client's id of one of the user's devices: that device and all its sessions are signed out too. */
  deviceId?: string;
  /** A push token to remove from the user's devices. */
  pushToken?: string;
}

/** One live session, as a session list shows it. */
export interface SessionSummary {
  id: string;
  /** The session of the request that asked. */
  current: boolean;
  /** The client's device id and name, or null for a session without a device. */
  deviceId: string | null;
  deviceName: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
}

/** What one clean-up run did. */
export interface SessionCleanupResult {
  /** Live sessions found past their expiry and marked revoked (`expired`). */
  expiredSessions: number;
  /** Live sessions found past their idle timeout and marked revoked (`idle_timeout`). */
  idleSessions: number;
  /** Sessions deleted because they ended before the retention cut-off. */
  deletedSessions: number;
  /** Signed-out devices deleted because no session refers to them any more. */
  deletedDevices: number;
}

/** What a verified back-channel logout token says: which provider, which token, and whose sessions end. */
export interface IdentityProviderLogout {
  issuer: string;
  /** The token's `jti`: taken once per issuer. */
  jti: string;
  /** When the token could no longer be accepted (its `exp`, or its `iat` plus the longest age allowed). */
  acceptableUntil: Date;
  /** The provider's session id; at least one of `sid` and `sub`. */
  sid?: string;
  /** The user's subject at the provider. */
  sub?: string;
}
