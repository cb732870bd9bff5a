import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { RevokeReason } from '../auth.constants.js';
import { AuthMetrics, NOOP_AUTH_METRICS } from '../metrics/auth-metrics.js';

/** Names of the audit events the module emits through @nestjs/event-emitter. */
export const AuthEvent = {
  sessionCreated: 'auth.session.created',
  sessionRefreshed: 'auth.session.refreshed',
  sessionsRevoked: 'auth.session.revoked',
  sessionsPurged: 'auth.sessions.purged',
} as const;
export type AuthEvent = (typeof AuthEvent)[keyof typeof AuthEvent];

/** `auth.session.created`: a sign-in opened a session. */
export class SessionCreatedEvent {
  constructor(
    readonly userId: string,
    readonly sessionId: string,
    /** The client's device id, or null. */
    readonly deviceId: string | null,
    readonly ip: string | null,
    readonly userAgent: string | null,
    readonly at: Date,
  ) {}
}

/** `auth.session.refreshed`: a refresh token was traded for a new pair. */
export class SessionRefreshedEvent {
  constructor(
    readonly userId: string,
    readonly sessionId: string,
    readonly at: Date,
  ) {}
}

/**
 * `auth.session.revoked`: one operation ended one or more sessions of a user, all for the same reason (`logout`,
 * `logout_all`, `device_signout`, `admin`, `refresh_token_reuse`, `user_disabled`, `expired`, `idle_timeout`,
 * `session_limit`, `credentials_changed`, ... : RevokeReason). Emitted after the change is committed; never for an
 * operation that changed nothing.
 */
export class SessionsRevokedEvent {
  constructor(
    readonly userId: string,
    readonly sessionIds: readonly string[],
    readonly reason: RevokeReason,
    readonly at: Date,
  ) {}
}

/** `auth.sessions.purged`: the clean-up job deleted rows that ended before `before`. */
export class SessionsPurgedEvent {
  constructor(
    readonly deletedSessions: number,
    readonly before: Date,
    readonly at: Date,
  ) {}
}

export interface AuthEventPayloads {
  [AuthEvent.sessionCreated]: SessionCreatedEvent;
  [AuthEvent.sessionRefreshed]: SessionRefreshedEvent;
  [AuthEvent.sessionsRevoked]: SessionsRevokedEvent;
  [AuthEvent.sessionsPurged]: SessionsPurgedEvent;
}

/** What the publisher needs of @nestjs/event-emitter's EventEmitter2. */
interface Emitter {
  emit(event: string, payload: unknown): unknown;
}

/**
 * Emits audit events on the host's EventEmitter2 (`EventEmitterModule.forRoot()`
 * in the host); without one, or without @nestjs/event-emitter installed, events
 * go nowhere. A listener that throws is logged and never turns a committed
 * change into an error answer.
 */
@Injectable()
export class AuthEventPublisher implements OnModuleInit {
  private readonly logger = new Logger('AuthEvents');
  private emitter: Emitter | null = null;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Optional() @Inject(AuthMetrics) private readonly metrics: AuthMetrics = NOOP_AUTH_METRICS,
  ) {}

  /** Finds the host's emitter once every provider exists; the package is an optional peer, so it is imported here. */
  async onModuleInit(): Promise<void> {
    const events = await import('@nestjs/event-emitter').catch(() => null);
    if (!events) return;
    try {
      this.emitter = this.moduleRef.get(events.EventEmitter2, { strict: false });
    } catch {
      this.emitter = null;
    }
  }

  emit<E extends AuthEvent>(event: E, payload: AuthEventPayloads[E]): void {
    if (!this.emitter) return;
    try {
      this.emitter.emit(event, payload);
    } catch (error) {
      this.logger.error(`A listener of ${event} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** One `auth.session.revoked` per user, for the rows a statement revoked. */
  revoked(rows: ReadonlyArray<{ id: string; user_id: string }>, reason: RevokeReason): void {
    this.metrics.sessionsRevoked(reason, rows.length);
    const byUser = new Map<string, string[]>();
    for (const row of rows) {
      const ids = byUser.get(row.user_id);
      if (ids) ids.push(row.id);
      else byUser.set(row.user_id, [row.id]);
    }
    const at = new Date();
    for (const [userId, sessionIds] of byUser) {
      this.emit(AuthEvent.sessionsRevoked, new SessionsRevokedEvent(userId, sessionIds, reason, at));
    }
  }

  /** `auth.sessions.purged` for a clean-up run that deleted sessions ended before `before`. */
  purged(deletedSessions: number, before: Date): void {
    this.emit(AuthEvent.sessionsPurged, new SessionsPurgedEvent(deletedSessions, before, new Date()));
  }
}
