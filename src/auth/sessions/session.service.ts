import { Inject, Injectable, Optional } from '@nestjs/common';
import { AuthMetrics, NOOP_AUTH_METRICS } from '../metrics/auth-metrics.js';
import {
  type RevocableTokenType,
  RevokeReason,
  UNSTORABLE_TEXT,
  UUID_PATTERN,
  unstorableTextMessage,
} from '../auth.constants.js';
import {
  InvalidRefreshTokenError,
  InvalidTokenError,
  RequestValidationError,
  SessionConflictError,
  SessionExpiredError,
  SessionLimitReachedError,
  SessionNotFoundError,
  SessionNotFreshError,
  SessionRevokedError,
  UnknownDeviceError,
  UserDisabledError,
  UserNotFoundError,
} from '../errors/auth.errors.js';
import { AuthEvent, AuthEventPublisher, SessionCreatedEvent, SessionRefreshedEvent } from '../events/auth.events.js';
import { AUTH_DEFAULTS, AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import type { CachedSession } from '../revocation/revocation-cache.js';
import { RevocationCache } from '../revocation/revocation-cache.js';
import { AccessTokenService, type AccessTokenClaims } from '../tokens/access-token.service.js';
import { accessTokenVerifier } from '../tokens/access-token-verification.js';
import {
  hashRefreshToken,
  newRefreshToken,
  refreshSuccessorKey,
  successorRefreshToken,
} from '../tokens/refresh-token.js';
import type { AuthUser } from '../auth-user-store.interface.js';
import { deadlineOf } from './database-deadline.js';
import { ReadBatcher } from './read-batcher.js';
import { SessionRepository } from './session.repository.js';
import type {
  AuthenticatedSession,
  CreateSessionInput,
  CreatedSession,
  IdentityProviderLogout,
  RevokedDevice,
  SessionCleanupResult,
  SessionSummary,
  SignOutOptions,
} from './session.types.js';

type RevokedRow = { id: string; user_id: string };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Text PostgreSQL cannot hold would fail the statement (a 500, and a rolled-back logout): refuse it before any
 * SQL as the caller's mistake, naming the field, for a host whose own validation let it through.
 */
function requireStorableText(fields: Record<string, string | undefined>): void {
  for (const [field, value] of Object.entries(fields))
    if (value !== undefined && UNSTORABLE_TEXT.test(value))
      throw new RequestValidationError(field, unstorableTextMessage(field));
}

/**
 * Sessions and devices: open, refresh, validate, list and end them. Every state change is one
 * statement (or one transaction) of SessionRepository; every revocation is forgotten by this
 * instance's cache before the caller is answered, and reaches the others through the trigger.
 */
@Injectable()
export class SessionService {
  private readonly successorKey: Buffer;
  private readonly verifyAccessToken: ReturnType<typeof accessTokenVerifier>;
  /** Batches the guard's user checks when the host's store can read many users at once; shared by `forRequest`. */
  readonly userReads: ReadBatcher<string, AuthUser> | null;

  constructor(
    private readonly repository: SessionRepository,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    private readonly tokens: AccessTokenService,
    private readonly events: AuthEventPublisher,
    private readonly cache: RevocationCache,
    @Optional() @Inject(AuthMetrics) metrics: AuthMetrics = NOOP_AUTH_METRICS,
  ) {
    this.successorKey = refreshSuccessorKey(options.signing);
    this.verifyAccessToken = accessTokenVerifier(options);
    const store = options.userStore;
    this.userReads =
      options.batchReads && store.findUsers
        ? new ReadBatcher(
            async (ids) => new Map((await store.findUsers!(ids)).map((user) => [user.id, user])),
            options.batchReads,
            (size) => metrics.readBatch('user', size),
          )
        : null;
  }

  private get sql() {
    return this.repository.sql;
  }

  /**
   * This service for one HTTP request: its verbs' statements share one deadline (`databaseTimeoutMs`, from the first
   * one), the one JwtGuard's check of that request started. Without it each statement has the whole timeout.
   */
  forRequest(request: object): SessionService {
    const repository = this.repository.withDeadline(deadlineOf(request));
    return Object.create(this, { repository: { value: repository } }) as SessionService;
  }

  /**
   * Opens a session (and registers or re-activates its device) and signs its first access token, with the lifetimes
   * of `rememberMe` when asked. With a `sessionLimit`, in one transaction under a per-user lock: the user's live
   * sessions are counted and, at the limit, the sign-in is refused (SessionLimitReachedError, nothing written) or the
   * oldest or least recently used sessions end (`session_limit`). A field with text PostgreSQL cannot hold (NUL, a
   * lone surrogate) is a RequestValidationError naming it, and nothing is written.
   */
  async createSession(input: CreateSessionInput): Promise<CreatedSession> {
    const { userId, deviceId, deviceName, pushToken, ip, userAgent, identityProvider: idp } = input;
    requireStorableText({ userId, deviceId, deviceName, pushToken, ip, userAgent });
    requireStorableText({ 'identityProvider.issuer': idp?.issuer, 'identityProvider.sid': idp?.sid });
    requireStorableText({ 'identityProvider.sub': idp?.sub, 'identityProvider.idToken': idp?.idToken });
    if (idp && (typeof idp.issuer !== 'string' || !idp.issuer || typeof idp.sub !== 'string' || !idp.sub))
      throw new RequestValidationError('identityProvider', 'identityProvider needs an issuer and a sub');
    const refreshToken = newRefreshToken();
    const lifetime = input.rememberMe ? this.options.rememberMe : this.options;
    const params = [
      input.userId,
      input.deviceId || null,
      input.deviceName ?? null,
      input.pushToken ?? null,
      lifetime.sessionTtlSeconds,
      input.ip ?? null,
      input.userAgent ?? null,
      hashRefreshToken(refreshToken),
      lifetime.idleTimeoutSeconds,
      idp?.issuer ?? null,
      idp?.sid || null,
      idp?.sub ?? null,
      idp?.idToken || null,
    ];
    type Created = { id: string; expires_at: Date; expires_in: number };
    let row: Created | undefined;
    const limit = this.options.sessionLimit;
    if (!limit) {
      [row] = await this.repository.rows<Created>(this.sql.CREATE_SESSION, params);
    } else {
      let evicted: RevokedRow[] = [];
      await this.repository.transaction(async (query) => {
        await query(this.sql.LOCK_USER_SESSIONS, [userId]);
        if (limit.policy === 'refuse') {
          const [{ live }] = await query<{ live: number }>(this.sql.COUNT_LIVE_SESSIONS, [userId]);
          if (live >= limit.max) throw new SessionLimitReachedError();
        } else {
          const byLastUse = limit.policy === 'evict-idle';
          const reason = RevokeReason.sessionLimit;
          evicted = await query<RevokedRow>(this.sql.EVICT_SESSIONS_OVER_LIMIT, [userId, limit.max, reason, byLastUse]);
        }
        [row] = await query<Created>(this.sql.CREATE_SESSION, params);
      });
      this.ended(evicted, RevokeReason.sessionLimit);
    }
    if (!row) throw new Error('CREATE_SESSION returned no row');
    const signed = this.tokens.sign(input.userId, row.id, row.expires_at);
    this.events.emit(
      AuthEvent.sessionCreated,
      new SessionCreatedEvent(
        input.userId,
        row.id,
        input.deviceId || null,
        input.ip ?? null,
        input.userAgent ?? null,
        new Date(),
      ),
    );
    return {
      accessToken: signed.token,
      expiresIn: signed.expiresIn,
      sessionId: row.id,
      refreshToken,
      sessionExpiresIn: Math.max(0, row.expires_in),
    };
  }

  /**
   * Trades a refresh token for a new access and refresh token pair (rotation).
   * An already-rotated token presented again is taken as stolen: its session is
   * revoked (`refresh_token_reuse`). Unknown, rotated, or of an ended session:
   * InvalidRefreshTokenError. A logout needs no extra step: the session's end
   * ends its refresh tokens.
   */
  async refreshSession(refreshToken: string): Promise<CreatedSession> {
    type Rotated = { id: string; user_id: string; expires_at: Date; expires_in: number };
    const presented = hashRefreshToken(refreshToken);
    const successor = successorRefreshToken(refreshToken, this.successorKey);
    const successorHash = hashRefreshToken(successor);
    let [row] = await this.repository.rows<Rotated>(this.sql.ROTATE_REFRESH_TOKEN, [presented, successorHash]);
    const reuseInterval = this.options.refreshReuseIntervalSeconds;
    // Presented again shortly after it was traded, its successor still unused: a second tab or a retry, not a theft.
    if (!row && reuseInterval > 0)
      [row] = await this.repository.rows<Rotated>(this.sql.REUSE_ROTATED_REFRESH_TOKEN, [
        presented,
        successorHash,
        reuseInterval,
      ]);
    if (!row) {
      const idle = RevokeReason.idleTimeout;
      const idleEnded = await this.repository.rows<RevokedRow>(this.sql.REVOKE_IDLE_SESSION_OF_TOKEN, [
        presented,
        idle,
      ]);
      if (idleEnded.length > 0) {
        this.ended(idleEnded, idle);
        throw new InvalidRefreshTokenError();
      }
      const reason = RevokeReason.refreshTokenReuse;
      this.ended(
        await this.repository.rows<RevokedRow>(this.sql.REVOKE_SESSION_OF_REUSED_TOKEN, [presented, reason]),
        reason,
      );
      throw new InvalidRefreshTokenError();
    }
    await this.requireActiveUser(row.user_id);
    const signed = this.tokens.sign(row.user_id, row.id, row.expires_at);
    this.events.emit(AuthEvent.sessionRefreshed, new SessionRefreshedEvent(row.user_id, row.id, new Date()));
    return {
      accessToken: signed.token,
      expiresIn: signed.expiresIn,
      sessionId: row.id,
      refreshToken: successor,
      sessionExpiresIn: Math.max(0, row.expires_in),
    };
  }

  /**
   * RFC 7009 token revocation: a refresh token (current or already rotated) or an access token JwtGuard would verify
   * (signature, `iss`, `aud`, `typ`, claims, not expired) ends its session, if live (`token_revoked`). The hint only
   * says which kind is looked for first (RFC 7009 2.1: a miss extends the search to the other). An unknown, invalid or
   * expired token, or one of an ended session, changes nothing, and the caller cannot tell these apart.
   */
  async revokeToken(token: string, hint?: RevocableTokenType): Promise<void> {
    const reason = RevokeReason.tokenRevoked;
    const ofRefreshToken = () =>
      this.repository.rows<RevokedRow>(this.sql.REVOKE_SESSION_OF_REFRESH_TOKEN, [hashRefreshToken(token), reason]);
    const ofAccessToken = async () => {
      const claims = this.verifyAccessToken(token);
      return claims
        ? this.repository.rows<RevokedRow>(this.sql.REVOKE_SESSION_OF_ACCESS_TOKEN, [claims.sid, claims.sub, reason])
        : [];
    };
    // Our refresh tokens have no dots and our access tokens have two: without a hint, the likelier kind goes first.
    const accessFirst = (hint ?? (token.includes('.') ? 'access_token' : 'refresh_token')) === 'access_token';
    const [first, second] = accessFirst ? [ofAccessToken, ofRefreshToken] : [ofRefreshToken, ofAccessToken];
    const revoked = await first();
    this.ended(revoked.length > 0 ? revoked : await second(), reason);
  }

  /**
   * Checks that verified token claims still name a live session of an enabled
   * user. Throws the domain error that says why not.
   */
  async validateSession(claims: Pick<AccessTokenClaims, 'sub' | 'sid' | 'jti'>): Promise<AuthenticatedSession> {
    const session = await this.cache.getOrLoad(claims.sid, () => this.loadLiveSession(claims));
    // A token whose sub is not its session's user was not issued by us: refuse it as a bad token.
    if (!session || session.userId !== claims.sub)
      throw new InvalidTokenError('Token subject does not own its session');
    return { userId: session.userId, sessionId: claims.sid, deviceId: session.deviceId, tokenId: claims.jti };
  }

  /**
   * Refuses a session whose user proved their credentials (sign-in, `reauthenticate`) longer than `maxAgeSeconds` ago:
   * SessionNotFreshError (`@RequireFreshSession` on a route does this after JwtGuard).
   */
  async requireFreshSession(session: Pick<AuthenticatedSession, 'sessionId'>, maxAgeSeconds: number): Promise<void> {
    const [row] = await this.repository.rows<{ fresh: boolean }>(this.sql.SESSION_AUTHENTICATED_WITHIN, [
      session.sessionId,
      maxAgeSeconds,
    ]);
    if (!row?.fresh) throw new SessionNotFreshError(maxAgeSeconds);
  }

  /**
   * The user of a live session proved their credentials again (a password typed anew, a second factor): the session
   * counts as fresh from now, for `@RequireFreshSession`. Returns false when the session is not live (nothing changes).
   */
  async reauthenticate(session: Pick<AuthenticatedSession, 'sessionId' | 'userId'>): Promise<boolean> {
    const rows = await this.repository.rows(this.sql.REAUTHENTICATE_SESSION, [session.sessionId, session.userId]);
    return rows.length === 1;
  }

  /**
   * After the user's credentials changed (a new password, a reset, a removed second factor): every other session of the
   * user ends (`credentials_changed`, one `auth.session.revoked` event), on every instance, and the session that made
   * the change, when given, stays and counts as freshly authenticated. Returns the ids ended.
   */
  async endSessionsAfterCredentialChange(
    userId: string,
    current?: Pick<AuthenticatedSession, 'sessionId'>,
  ): Promise<string[]> {
    const ended = await this.revokeUserSessions(userId, RevokeReason.credentialsChanged, {
      except: current?.sessionId,
    });
    if (current) await this.reauthenticate({ sessionId: current.sessionId, userId });
    return ended;
  }

  /** The user's live sessions, most recently used first; `currentSessionId` marks the caller's own. */
  async listSessions(userId: string, currentSessionId?: string): Promise<SessionSummary[]> {
    const rows = await this.repository.rows<{
      id: string;
      created_at: Date;
      last_used_at: Date;
      expires_at: Date;
      ip: string | null;
      user_agent: string | null;
      device_id: string | null;
      device_name: string | null;
    }>(this.sql.LIST_SESSIONS, [userId]);
    return rows.map((row) => ({
      id: row.id,
      current: row.id === currentSessionId,
      deviceId: row.device_id,
      deviceName: row.device_name,
      ip: row.ip,
      userAgent: row.user_agent,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      expiresAt: row.expires_at,
    }));
  }

  /**
   * Signs out the session a request came with, in one transaction with what goes
   * with it: a device of the user signed out (all its sessions), a push token
   * removed. A device that is not the user's changes nothing (UnknownDeviceError).
   * When another request revoked the session first: a second sign-out of the same
   * token is a stale token (SessionRevokedError); any other revocation that won
   * the race is a conflict (SessionConflictError). A device id or push token PostgreSQL cannot hold refuses the
   * whole sign-out up front (RequestValidationError): nothing ends.
   */
  async signOut(session: AuthenticatedSession, options: SignOutOptions = {}): Promise<void> {
    requireStorableText({ deviceId: options.deviceId, pushToken: options.pushToken });
    const reason = options.reason ?? RevokeReason.logout;
    let deviceSessionIds: string[] = [];
    await this.repository.transaction(async (query) => {
      const { deviceId, pushToken } = options;
      if (deviceId !== undefined && (await query(this.sql.FIND_DEVICE, [session.userId, deviceId])).length === 0) {
        throw new UnknownDeviceError();
      }
      if ((await query(this.sql.REVOKE_SESSION, [session.sessionId, reason])).length === 0) {
        const [row] = await query<{ revoke_reason: string | null }>(this.sql.SESSION_REVOKE_REASON, [
          session.sessionId,
        ]);
        throw row?.revoke_reason === reason ? new SessionRevokedError() : new SessionConflictError();
      }
      if (deviceId !== undefined) {
        const signedOut = RevokeReason.deviceSignout;
        const [device] = await query<{ session_ids: string[] }>(this.sql.REVOKE_DEVICE, [
          session.userId,
          deviceId,
          signedOut,
        ]);
        deviceSessionIds = device.session_ids;
      }
      if (pushToken !== undefined) await query(this.sql.CLEAR_PUSH_TOKEN, [session.userId, pushToken]);
    });
    this.ended([{ id: session.sessionId, user_id: session.userId }], reason);
    this.ended(
      deviceSessionIds.map((id) => ({ id, user_id: session.userId })),
      RevokeReason.deviceSignout,
    );
  }

  /**
   * Ends one live session (not revoked, not expired), e.g. from a session list or an admin tool.
   * With `userId`, only a session of that user: another user's session, an ended one and an unknown
   * id all return false, so an answer built on it never tells them apart.
   */
  async revokeSession(sessionId: string, options: { userId?: string; reason?: RevokeReason } = {}): Promise<boolean> {
    if (!UUID_PATTERN.test(sessionId)) return false;
    const reason = options.reason ?? RevokeReason.sessionRevoked;
    const revoked = await this.repository.rows<RevokedRow>(this.sql.REVOKE_LIVE_SESSION, [
      sessionId,
      options.userId ?? null,
      reason,
    ]);
    this.ended(revoked, reason);
    return revoked.length === 1;
  }

  /** Signs out a device of the user and every session on it. Returns null when the user has no such device. */
  async revokeDevice(userId: string, externalDeviceId: string, reason: RevokeReason): Promise<RevokedDevice | null> {
    const [row] = await this.repository.rows<{ device_id: string | null; session_ids: string[] }>(
      this.sql.REVOKE_DEVICE,
      [userId, externalDeviceId, reason],
    );
    this.ended(
      row.session_ids.map((id) => ({ id, user_id: userId })),
      reason,
    );
    return row.device_id ? { deviceId: row.device_id, revokedSessionIds: row.session_ids } : null;
  }

  /**
   * Ends every live session of the user in one statement, however many, but `except` (e.g. the
   * session that just changed the password). Call it with `user_disabled` / `user_deleted` when the
   * host ends an account: JwtGuard and refresh do the same when they find the user so. Returns the
   * ids revoked.
   */
  async revokeUserSessions(userId: string, reason: RevokeReason, options: { except?: string } = {}): Promise<string[]> {
    const revoked = await this.repository.rows<RevokedRow>(this.sql.REVOKE_USER_SESSIONS, [
      userId,
      reason,
      options.except ?? null,
    ]);
    this.cache.evictUser(userId);
    this.events.revoked(revoked, reason);
    return revoked.map((r) => r.id);
  }

  /**
   * A verified back-channel logout token of `issuer`: records its `jti` and ends, in the same statement, every live
   * session of that provider it names (`sid`, or every one of `sub` when only that is sent; both must match when both
   * are), reason `backchannel_logout`, on every instance. Returns the ids ended, or null for a `jti` already taken (a
   * replay: nothing ends). The record is kept until `acceptableUntil`, after which the token is refused anyway.
   */
  async endIdentityProviderSessions(logout: IdentityProviderLogout): Promise<string[] | null> {
    const reason = RevokeReason.backchannelLogout;
    const [row] = await this.repository.rows<{ fresh: boolean; ended: RevokedRow[] }>(
      this.sql.END_IDENTITY_PROVIDER_SESSIONS,
      [logout.issuer, logout.jti, logout.acceptableUntil, logout.sid ?? null, logout.sub ?? null, reason],
    );
    if (!row.fresh) return null;
    this.ended(row.ended, reason);
    return row.ended.map((r) => r.id);
  }

  /**
   * One clean-up run, as of `now` (default: the database's `now()` when the run starts): marks live sessions past
   * their expiry as revoked (`expired`, as of their expiry), then deletes sessions (with their refresh tokens) and
   * signed-out devices that ended longer ago than the retention period. Every statement touches at most `batchSize`
   * rows and skips rows a request holds, so a run never blocks logins or logouts for long, and several instances may
   * run it at once. The schedule calls it; so may a host with `cleanup: false`.
   */
  async deleteExpiredSessions(now?: Date): Promise<SessionCleanupResult> {
    // The guard decides expiry by the database's clock: so must the job, or an instance whose clock runs ahead ends
    // sessions the guard still accepts (and writes a revoked_at in the future).
    const asOf = now ?? (await this.repository.databaseNow());
    const { retentionDays, batchSize } = this.options.cleanup ?? AUTH_DEFAULTS.cleanup;
    const cutoff = new Date(asOf.getTime() - retentionDays * DAY_MS);
    const expiredSessions = await this.endInBatches(
      this.sql.MARK_EXPIRED_SESSIONS,
      asOf,
      batchSize,
      RevokeReason.expired,
    );
    const idleSessions = await this.endInBatches(
      this.sql.MARK_IDLE_SESSIONS,
      asOf,
      batchSize,
      RevokeReason.idleTimeout,
    );
    const deletedSessions = await this.deleteInBatches(this.sql.PURGE_SESSIONS, cutoff, batchSize);
    const deletedDevices = await this.deleteInBatches(this.sql.PURGE_DEVICES, cutoff, batchSize);
    // A logout token past its acceptance window is refused without its record: the record has no use left.
    await this.deleteInBatches(this.sql.PURGE_LOGOUT_TOKENS, asOf, batchSize);
    if (deletedSessions > 0) this.events.purged(deletedSessions, cutoff);
    return { expiredSessions, idleSessions, deletedSessions, deletedDevices };
  }

  /** Runs a clean-up statement that ends live sessions ($1 time, $2 batch size, $3 reason) until a batch is short. */
  private async endInBatches(statement: string, asOf: Date, batchSize: number, reason: RevokeReason): Promise<number> {
    let total = 0;
    for (;;) {
      const ended = await this.repository.rows<RevokedRow>(statement, [asOf, batchSize, reason]);
      this.events.revoked(ended, reason);
      total += ended.length;
      if (ended.length < batchSize) return total;
    }
  }

  private async deleteInBatches(statement: string, cutoff: Date, batchSize: number): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.repository.affected(statement, [cutoff, batchSize]);
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }

  /** The session row behind verified claims, refused with the domain error that says why it is not live. */
  private async loadLiveSession(claims: Pick<AccessTokenClaims, 'sub' | 'sid'>): Promise<CachedSession> {
    // Before the read, so the cached expiry (this moment plus what the database says is left) is never later than the
    // database's own.
    const readAt = performance.now();
    const row = await this.repository.findSession(claims.sid);
    if (!row) throw new SessionNotFoundError();
    if (row.user_id !== claims.sub) throw new InvalidTokenError('Token subject does not own its session');
    if (row.revoked) throw new SessionRevokedError();
    if (row.expired) throw new SessionExpiredError();
    if (row.idle) {
      const reason = RevokeReason.idleTimeout;
      this.ended(await this.repository.rows<RevokedRow>(this.sql.REVOKE_IDLE_SESSION, [claims.sid, reason]), reason);
      throw new SessionExpiredError();
    }
    await this.requireActiveUser(row.user_id);
    if (row.stale) await this.repository.affected(this.sql.TOUCH_SESSION, [claims.sid]);
    // A cached entry never outlives the idle window the database sees: hits in the cache are not recorded as uses.
    const idleLeftMs =
      row.idle_timeout_seconds === null
        ? Infinity
        : row.stale
          ? row.idle_timeout_seconds * 1000
          : (row.idle_in_ms ?? 0);
    return {
      userId: row.user_id,
      deviceId: row.device_external_id,
      expiresAtMs: readAt + Math.min(row.expires_in_ms, idleLeftMs),
    };
  }

  /**
   * After a committed revocation: this instance forgets the sessions before anyone is answered, and the audit event
   * goes out.
   */
  private ended(rows: RevokedRow[], reason: RevokeReason): void {
    for (const row of rows) this.cache.evictSession(row.id);
    this.events.revoked(rows, reason);
  }

  /** The host's word on the user: missing or disabled ends all the user's sessions, then refuses. */
  private async requireActiveUser(userId: string): Promise<void> {
    const user = this.userReads
      ? ((await this.userReads.load(userId)) ?? null)
      : await this.options.userStore.findUser(userId);
    if (user && !user.disabled) return;
    await this.revokeUserSessions(userId, user ? RevokeReason.userDisabled : RevokeReason.userDeleted);
    throw user ? new UserDisabledError() : new UserNotFoundError();
  }
}
