import { Injectable } from '@nestjs/common';
import {
  Observable,
  catchError,
  concatMap,
  filter,
  from,
  map,
  of,
  share,
  take,
  takeUntil,
  takeWhile,
  throwError,
  type MonoTypeOperatorFunction,
} from 'rxjs';
import { UUID_PATTERN } from '../auth.constants.js';
import { SessionRepository } from '../sessions/session.repository.js';
import { RevocationCache, type ListenerSignal } from './revocation-cache.js';
import { DELETED_REASON } from './revocation-protocol.js';

/** One revocation heard by this instance. */
export interface RevocationEvent {
  /** The session that ended; absent when one notification ended every session of the user (a statement of > 100). */
  sessionId?: string;
  userId: string;
  /** The row's `revoke_reason` (`logout`, `logout_all`, `admin`, ...), `expired`, or `deleted` (a live row deleted). */
  reason: string;
}

/** A session the stream watches: the two names of what ends it. */
export interface WatchedSession {
  sessionId: string;
  userId: string;
}

/**
 * The stream can no longer prove it hears every revocation (the listener was lost, a marker was late, the connection
 * goes through a pooler, the instance shuts down): whether a watched session ended meanwhile is unknown.
 */
export class RevocationStreamInterruptedError extends Error {
  constructor(readonly reason: string) {
    super(`The revocation stream is interrupted: ${reason}`);
    this.name = 'RevocationStreamInterruptedError';
  }
}

/** What a notification says, its user unknown only for a deleted row whose notification had no details. */
type Heard = { sessionId?: string; userId: string | null; reason: string };

/** Why an old per-user payload (the trigger before RevocationNotifyDetails) ended sessions: it did not say. */
const UNKNOWN_REASON = 'unknown';

/** An event of the watched session's user, and whether it ended the watched session itself. */
export interface SessionEvent extends RevocationEvent {
  endsSession: boolean;
}

/**
 * Revocations as they reach this instance, for connections that outlive a request (SSE, WebSocket): fed by the
 * revocation listener's notifications, so a revocation made on any instance, or by plain SQL, arrives, the
 * revoking instance's own included. In `strict` mode the listener opens at the first subscription and caches nothing.
 *
 * Never silent about what it cannot know: every observable here errors with RevocationStreamInterruptedError as soon
 * as delivery is no longer proven, and at once when the listener goes through a pooler or is not connected. A
 * subscriber then closes its connection; the client's next request is checked by JwtGuard.
 */
@Injectable()
export class RevocationStream {
  /** The listener's signals resolved once for every subscriber (a notification without details costs one read). */
  private readonly resolved: Observable<Heard>;

  constructor(
    private readonly cache: RevocationCache,
    private readonly repository: SessionRepository,
  ) {
    this.resolved = cache.signals.pipe(
      concatMap((signal) => this.resolve(signal)),
      share(),
    );
  }

  /** Every revocation from the subscription on, of any user. */
  revocations(): Observable<RevocationEvent> {
    return this.heard().pipe(filter((heard): heard is RevocationEvent => heard.userId !== null));
  }

  /**
   * The revocations of the session's user from the subscription on, the last being the one that ends the session
   * itself (`endsSession`; then it completes). A session that had already ended when the stream started listening
   * ends it at once. An event for all of the user's sessions (one statement ended more than 100) may have spared this
   * one (logout of the others): the row says, in one read.
   */
  sessionEvents(session: WatchedSession): Observable<SessionEvent> {
    return this.heard(session).pipe(
      filter((heard) => heard.userId === session.userId || heard.sessionId === session.sessionId),
      concatMap((heard) => {
        const event = { ...heard, userId: session.userId };
        if (heard.sessionId !== undefined) return of({ ...event, endsSession: heard.sessionId === session.sessionId });
        return this.endOf(session.sessionId).pipe(map((ended) => ({ ...event, endsSession: ended !== null })));
      }),
      takeWhile((event) => !event.endsSession, true),
    );
  }

  /** Emits the revocation that ends the session (its own, or all of its user's), then completes. */
  untilSessionEnds(session: WatchedSession): Observable<RevocationEvent> {
    return this.sessionEvents(session).pipe(
      filter((event) => event.endsSession),
      map((event): RevocationEvent => {
        const { sessionId, userId, reason } = event;
        return sessionId === undefined ? { userId, reason } : { sessionId, userId, reason };
      }),
      take(1),
    );
  }

  /**
   * An operator that completes its source when the session ends, or when the stream is interrupted (whether the
   * session still lives is then unknown): `events$.pipe(stream.closeWhenRevoked(session))`.
   */
  closeWhenRevoked<T>(session: WatchedSession): MonoTypeOperatorFunction<T> {
    return takeUntil(this.untilSessionEnds(session).pipe(catchError(() => of(null))));
  }

  /**
   * The listener's revocations, resolved, from the subscription on. With `session`, once the listener is in place, one
   * read of the session: a revocation committed before the LISTEN (or before the subscription) comes from it.
   */
  private heard(session?: WatchedSession): Observable<Heard> {
    return new Observable<Heard>((subscriber) => {
      const subscription = this.resolved.subscribe(subscriber);
      const opened = from(this.cache.openForStream()).pipe(
        concatMap((reason) => {
          if (reason !== undefined) return throwError(() => new RevocationStreamInterruptedError(reason));
          return session ? this.endOf(session.sessionId) : of(null);
        }),
      );
      subscription.add(
        opened.subscribe({
          next: (ended) => ended && subscriber.next(ended),
          error: (error: unknown) => subscriber.error(error),
        }),
      );
      return subscription;
    });
  }

  private resolve(signal: ListenerSignal): Observable<Heard> {
    if (signal.kind === 'interrupted') return throwError(() => new RevocationStreamInterruptedError(signal.reason));
    const { message } = signal;
    if (message.kind === 'user') return of({ userId: message.userId, reason: message.reason ?? UNKNOWN_REASON });
    if (message.userId !== undefined && message.reason !== undefined)
      return of({ sessionId: message.sessionId, userId: message.userId, reason: message.reason });
    // Without details (too long for a notification, or an older trigger): the row says.
    return this.endOf(message.sessionId).pipe(
      map((ended) => ended ?? { sessionId: message.sessionId, userId: null, reason: UNKNOWN_REASON }),
    );
  }

  /**
   * How the session ended, by its row; a missing row was deleted. Null while it is live. A failed read interrupts:
   * what the row would have said is unknown.
   */
  private endOf(sessionId: string): Observable<Heard | null> {
    if (!UUID_PATTERN.test(sessionId)) return of({ sessionId, userId: null, reason: DELETED_REASON });
    return from(
      this.repository.rows<{ user_id: string; reason: string | null }>(this.repository.sql.SESSION_END, [sessionId]),
    ).pipe(
      map(([row]): Heard | null => {
        if (!row) return { sessionId, userId: null, reason: DELETED_REASON };
        return row.reason === null ? null : { sessionId, userId: row.user_id, reason: row.reason };
      }),
      catchError((error: unknown) =>
        throwError(
          () =>
            new RevocationStreamInterruptedError(
              `cannot read the session (${error instanceof Error ? error.message : String(error)})`,
            ),
        ),
      ),
    );
  }
}
