import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AccessTokenService, type AccessTokenClaims } from './access-token.service.js';
import { LAST_USED_RESOLUTION_MS, RevokeReason, UUID_PATTERN } from './auth.constants.js';
import {
  InvalidRefreshTokenError,
  InvalidTokenError,
  SessionConflictError,
  SessionExpiredError,
  SessionNotFoundError,
  SessionRevokedError,
  UserDisabledError,
  UnknownDeviceError,
  UnknownSessionError,
  UserNotFoundError,
} from './auth.errors.js';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from './auth-options.resolve.js';
import { pgPool, runQuery } from './db-query.js';
import { RevocationCache } from './revocation-cache.service.js';
import { AuthEvent, AuthEventPublisher, SessionCreatedEvent, SessionRefreshedEvent } from './auth.events.js';
import { AUTH_DATA_SOURCE } from './auth.tokens.js';
import { hashRefreshToken, newRefreshToken } from './refresh-token.js';
import { dataSourceSchema } from './db-schema.js';
import { sessionSql, type SessionSql } from './session.sql.js';
import type {
  AuthenticatedSession,
  CreateSessionInput,
  CreatedSession,
  LogoutOptions,
  RevokedDevice,
  SessionSummary,
} from './session.types.js';

type RevokedRow = { id: string; user_id: string };
type SessionRow = {
  user_id: string;
  revoked: boolean;
  expired: boolean;
  expires_at: Date;
  stale: boolean;
  device_external_id: string | null;
};

@Injectable()
export class SessionService {
  constructor(
    @Inject(AUTH_DATA_SOURCE) private readonly db: DataSource,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    private readonly tokens: AccessTokenService,
    private readonly events: AuthEventPublisher,
    private readonly cache: RevocationCache,
  ) {
    this.sql = sessionSql(dataSourceSchema(db));
  }

  private readonly sql: SessionSql;

  /** Opens a session (and registers or re-activates its device) and signs its first access token. */
  async createSession(input: CreateSessionInput): Promise<CreatedSession> {
    const refreshToken = newRefreshToken();
    const [row] = await this.rows<{ id: string; expires_at: Date }>(this.sql.CREATE_SESSION, [
      input.userId,
      input.deviceId || null,
      input.deviceName ?? null,
      input.pushToken ?? null,
      this.options.sessionTtlSeconds,
      input.ip ?? null,
      input.userAgent ?? null,
      hashRefreshToken(refreshToken),
    ]);
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
    return { accessToken: signed.token, expiresIn: signed.expiresIn, sessionId: row.id, refreshToken };
  }

  /**
   * Trades a refresh token for a new access and refresh token pair (rotation).
   * An already-rotated token presented again is taken as stolen: its session is
   * revoked (`refresh_token_reuse`). Unknown, rotated, or of an ended session:
   * InvalidRefreshTokenError. A logout needs no extra step: the session's end
   * ends its refresh tokens.
   */
  async refreshSession(refreshToken: string): Promise<CreatedSession> {
    const presented = hashRefreshToken(refreshToken);
    const successor = newRefreshToken();
    const [row] = await this.rows<{ id: string; user_id: string; expires_at: Date }>(this.sql.ROTATE_REFRESH_TOKEN, [
      presented,
      hashRefreshToken(successor),
    ]);
    if (!row) {
      this.ended(
        await this.rows<RevokedRow>(this.sql.REVOKE_SESSION_OF_REUSED_TOKEN, [
          presented,
          RevokeReason.refreshTokenReuse,
        ]),
        RevokeReason.refreshTokenReuse,
      );
      throw new InvalidRefreshTokenError();
    }
    await this.requireActiveUser(row.user_id);
    const signed = this.tokens.sign(row.user_id, row.id, row.expires_at);
    this.events.emit(AuthEvent.sessionRefreshed, new SessionRefreshedEvent(row.user_id, row.id, new Date()));
    return { accessToken: signed.token, expiresIn: signed.expiresIn, sessionId: row.id, refreshToken: successor };
  }

  /**
   * Checks that verified token claims still name a live session of an enabled
   * user. Throws the domain error that says why not.
   */
  async validateSession(claims: Pick<AccessTokenClaims, 'sub' | 'sid' | 'jti'>): Promise<AuthenticatedSession> {
    const cached = this.cache.get(claims.sid);
    if (cached && cached.userId === claims.sub)
      return { userId: cached.userId, sessionId: claims.sid, deviceId: cached.deviceId, tokenId: claims.jti };
    const epoch = this.cache.epoch;
    // The hot path: one primary-key read as a prepared statement on the pg pool, no ORM in between.
    const { rows } = await pgPool(this.db).query<SessionRow>({
      name: 'nest_signout_find_session',
      text: this.sql.FIND_SESSION,
      values: [claims.sid, LAST_USED_RESOLUTION_MS / 1000],
    });
    const [row] = rows;
    if (!row) throw new SessionNotFoundError();
    // A token whose sub is not its session's user was not issued by us: refuse it as a bad token.
    if (row.user_id !== claims.sub) throw new InvalidTokenError('Token subject does not own its session');
    if (row.revoked) throw new SessionRevokedError();
    if (row.expired) throw new SessionExpiredError();
    await this.requireActiveUser(row.user_id);
    if (row.stale) await this.rows(this.sql.TOUCH_SESSION, [claims.sid]);
    this.cache.fill(
      claims.sid,
      { userId: row.user_id, deviceId: row.device_external_id, expiresAtMs: row.expires_at.getTime() },
      epoch,
    );
    return { userId: row.user_id, sessionId: claims.sid, deviceId: row.device_external_id, tokenId: claims.jti };
  }

  /** Revokes one session. Returns false when it was already revoked (or never existed). */
  async revokeSession(sessionId: string, reason: RevokeReason): Promise<boolean> {
    const revoked = await this.rows<RevokedRow>(this.sql.REVOKE_SESSION, [sessionId, reason]);
    this.ended(revoked, reason);
    return revoked.length === 1;
  }

  /**
   * Revokes one live session of the user, e.g. from a session list. A session
   * of another user, an ended one or an unknown id are all UnknownSessionError:
   * the answer never tells them apart.
   */
  async revokeUserSession(
    userId: string,
    sessionId: string,
    reason: RevokeReason = RevokeReason.sessionRevoked,
  ): Promise<void> {
    if (!UUID_PATTERN.test(sessionId)) throw new UnknownSessionError();
    const revoked = await this.rows<RevokedRow>(this.sql.REVOKE_USER_SESSION, [userId, sessionId, reason]);
    if (revoked.length === 0) throw new UnknownSessionError();
    this.ended(revoked, reason);
  }

  /** The user's live sessions, most recently used first; `currentSessionId` marks the caller's own. */
  async listSessions(userId: string, currentSessionId?: string): Promise<SessionSummary[]> {
    const rows = await this.rows<{
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
   * Ends the session a request came with, in one transaction with what goes
   * with it: a device of the user signed out (all its sessions), a push token
   * removed. A device that is not the user's changes nothing (UnknownDeviceError).
   * When another request revoked the session first: a second logout of the same
   * token is a stale token (SessionRevokedError); any other revocation that won
   * the race is a conflict (SessionConflictError).
   */
  async logout(session: AuthenticatedSession, options: LogoutOptions = {}): Promise<void> {
    const reason = options.reason ?? RevokeReason.logout;
    let deviceSessionIds: string[] = [];
    await this.transaction(async (query) => {
      if (
        options.deviceId !== undefined &&
        (await query(this.sql.FIND_DEVICE, [session.userId, options.deviceId])).length === 0
      ) {
        throw new UnknownDeviceError();
      }
      if ((await query(this.sql.REVOKE_SESSION, [session.sessionId, reason])).length === 0) {
        const [row] = await query<{ revoke_reason: string | null }>(this.sql.SESSION_REVOKE_REASON, [
          session.sessionId,
        ]);
        throw row?.revoke_reason === reason ? new SessionRevokedError() : new SessionConflictError();
      }
      if (options.deviceId !== undefined) {
        const [device] = await query<{ session_ids: string[] }>(this.sql.REVOKE_DEVICE, [
          session.userId,
          options.deviceId,
          RevokeReason.deviceSignout,
        ]);
        deviceSessionIds = device.session_ids;
      }
      if (options.pushToken !== undefined) await query(this.sql.CLEAR_PUSH_TOKEN, [session.userId, options.pushToken]);
    });
    this.ended([{ id: session.sessionId, user_id: session.userId }], reason);
    this.ended(
      deviceSessionIds.map((id) => ({ id, user_id: session.userId })),
      RevokeReason.deviceSignout,
    );
  }

  /** Revokes a device of the user and every session on it. Returns null when the user has no such device. */
  async revokeDevice(userId: string, externalDeviceId: string, reason: RevokeReason): Promise<RevokedDevice | null> {
    const [row] = await this.rows<{ device_id: string | null; session_ids: string[] }>(this.sql.REVOKE_DEVICE, [
      userId,
      externalDeviceId,
      reason,
    ]);
    this.ended(
      row.session_ids.map((id) => ({ id, user_id: userId })),
      reason,
    );
    return row.device_id ? { deviceId: row.device_id, revokedSessionIds: row.session_ids } : null;
  }

  /**
   * Revokes every active session of the user in one statement, however many,
   * but `except` (e.g. the session that just changed the password). Returns the ids revoked.
   */
  async revokeUserSessions(userId: string, reason: RevokeReason, options: { except?: string } = {}): Promise<string[]> {
    const revoked = await this.rows<RevokedRow>(this.sql.REVOKE_USER_SESSIONS, [
      userId,
      reason,
      options.except ?? null,
    ]);
    this.cache.evictUser(userId);
    this.events.revoked(revoked, reason);
    return revoked.map((r) => r.id);
  }

  /**
   * Ends every session of a user whose account ended: call it when the host
   * disables (`user_disabled`, the default) or deletes (`user_deleted`) a user.
   * JwtGuard and refresh do the same when they find the user so.
   */
  endUserSessions(userId: string, reason: RevokeReason = RevokeReason.userDisabled): Promise<string[]> {
    return this.revokeUserSessions(userId, reason);
  }

  /** After a committed revocation: this instance forgets the sessions before anyone is answered, and the audit event goes out. */
  private ended(rows: RevokedRow[], reason: RevokeReason): void {
    for (const row of rows) this.cache.evictSession(row.id);
    this.events.revoked(rows, reason);
  }

  /** The host's word on the user: missing or disabled ends all the user's sessions, then refuses. */
  private async requireActiveUser(userId: string): Promise<void> {
    const user = await this.options.userStore.findUser(userId);
    if (user && !user.disabled) return;
    await this.endUserSessions(userId, user ? RevokeReason.userDisabled : RevokeReason.userDeleted);
    throw user ? new UserDisabledError() : new UserNotFoundError();
  }

  private async rows<T>(query: string, params: unknown[]): Promise<T[]> {
    return (await runQuery<T>(this.db, query, params)).records;
  }

  private async transaction(
    work: (query: <T>(sql: string, params: unknown[]) => Promise<T[]>) => Promise<void>,
  ): Promise<void> {
    const runner = this.db.createQueryRunner();
    try {
      await runner.startTransaction();
      await work(async (query, params) => (await runner.query(query, params, true)).records);
      await runner.commitTransaction();
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}
