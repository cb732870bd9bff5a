import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AccessTokenService, type AccessTokenClaims } from './access-token.service.js';
import { LAST_USED_RESOLUTION_MS, RevokeReason } from './auth.constants.js';
import {
  InvalidRefreshTokenError,
  InvalidTokenError,
  SessionConflictError,
  SessionExpiredError,
  SessionNotFoundError,
  SessionRevokedError,
  UserDisabledError,
  UnknownDeviceError,
  UserNotFoundError,
} from './auth.errors.js';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from './auth-options.resolve.js';
import { AUTH_DATA_SOURCE } from './auth.tokens.js';
import { hashRefreshToken, newRefreshToken } from './refresh-token.js';
import * as sql from './session.sql.js';
import type { AuthenticatedSession, CreateSessionInput, CreatedSession, LogoutOptions, RevokedDevice } from './session.types.js';

@Injectable()
export class SessionService {
  constructor(
    @Inject(AUTH_DATA_SOURCE) private readonly db: DataSource,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    private readonly tokens: AccessTokenService,
  ) {}

  /** Opens a session (and registers or re-activates its device) and signs its first access token. */
  async createSession(input: CreateSessionInput): Promise<CreatedSession> {
    const refreshToken = newRefreshToken();
    const [row] = await this.rows<{ id: string; expires_at: Date }>(sql.CREATE_SESSION, [
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
    const [row] = await this.rows<{ id: string; user_id: string; expires_at: Date }>(sql.ROTATE_REFRESH_TOKEN, [presented, hashRefreshToken(successor)]);
    if (!row) {
      await this.rows(sql.REVOKE_SESSION_OF_REUSED_TOKEN, [presented, RevokeReason.refreshTokenReuse]);
      throw new InvalidRefreshTokenError();
    }
    const user = await this.options.userStore.findUser(row.user_id);
    if (!user) throw new UserNotFoundError();
    if (user.disabled) throw new UserDisabledError();
    const signed = this.tokens.sign(row.user_id, row.id, row.expires_at);
    return { accessToken: signed.token, expiresIn: signed.expiresIn, sessionId: row.id, refreshToken: successor };
  }

  /**
   * Checks that verified token claims still name a live session of an enabled
   * user. Throws the domain error that says why not.
   */
  async validateSession(claims: Pick<AccessTokenClaims, 'sub' | 'sid' | 'jti'>): Promise<AuthenticatedSession> {
    const [row] = await this.rows<{ user_id: string; revoked: boolean; expired: boolean; stale: boolean; device_external_id: string | null }>(
      sql.FIND_SESSION,
      [claims.sid, LAST_USED_RESOLUTION_MS / 1000],
    );
    if (!row) throw new SessionNotFoundError();
    // A token whose sub is not its session's user was not issued by us: refuse it as a bad token.
    if (row.user_id !== claims.sub) throw new InvalidTokenError('Token subject does not own its session');
    if (row.revoked) throw new SessionRevokedError();
    if (row.expired) throw new SessionExpiredError();
    const user = await this.options.userStore.findUser(row.user_id);
    if (!user) throw new UserNotFoundError();
    if (user.disabled) throw new UserDisabledError();
    if (row.stale) await this.rows(sql.TOUCH_SESSION, [claims.sid]);
    return { userId: row.user_id, sessionId: claims.sid, deviceId: row.device_external_id, tokenId: claims.jti };
  }

  /** Revokes one session. Returns false when it was already revoked (or never existed). */
  async revokeSession(sessionId: string, reason: RevokeReason): Promise<boolean> {
    const revoked = await this.rows(sql.REVOKE_SESSION, [sessionId, reason]);
    return revoked.length === 1;
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
    await this.transaction(async (query) => {
      if (options.deviceId !== undefined && (await query(sql.FIND_DEVICE, [session.userId, options.deviceId])).length === 0) {
        throw new UnknownDeviceError();
      }
      if ((await query(sql.REVOKE_SESSION, [session.sessionId, reason])).length === 0) {
        const [row] = await query<{ revoke_reason: string | null }>(sql.SESSION_REVOKE_REASON, [session.sessionId]);
        throw row?.revoke_reason === reason ? new SessionRevokedError() : new SessionConflictError();
      }
      if (options.deviceId !== undefined) await query(sql.REVOKE_DEVICE, [session.userId, options.deviceId, RevokeReason.deviceSignout]);
      if (options.pushToken !== undefined) await query(sql.CLEAR_PUSH_TOKEN, [session.userId, options.pushToken]);
    });
  }

  /** Revokes a device of the user and every session on it. Returns null when the user has no such device. */
  async revokeDevice(userId: string, externalDeviceId: string, reason: RevokeReason): Promise<RevokedDevice | null> {
    const [row] = await this.rows<{ device_id: string | null; session_ids: string[] }>(sql.REVOKE_DEVICE, [userId, externalDeviceId, reason]);
    return row.device_id ? { deviceId: row.device_id, revokedSessionIds: row.session_ids } : null;
  }

  /**
   * Revokes every active session of the user in one statement, however many,
   * but `except` (e.g. the session that just changed the password). Returns the ids revoked.
   */
  async revokeUserSessions(userId: string, reason: RevokeReason, options: { except?: string } = {}): Promise<string[]> {
    const revoked = await this.rows<{ id: string }>(sql.REVOKE_USER_SESSIONS, [userId, reason, options.except ?? null]);
    return revoked.map((r) => r.id);
  }

  private async rows<T>(query: string, params: unknown[]): Promise<T[]> {
    const runner = this.db.createQueryRunner();
    try {
      return (await runner.query(query, params, true)).records as T[];
    } finally {
      await runner.release();
    }
  }

  private async transaction(work: (query: <T>(sql: string, params: unknown[]) => Promise<T[]>) => Promise<void>): Promise<void> {
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
