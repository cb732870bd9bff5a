import type { Type } from '@nestjs/common';
import type { AuthErrorKind } from '../errors/auth.errors.js';

/**
 * Why a guard check ended: `none` for a request let through, else the domain error's kind (`internal`: an error that is
 * none of the module's, which the guard does not expect).
 */
export type GuardDecisionReason = AuthErrorKind | 'none' | 'internal';

/** What a lookup of the revocation cache found: a live entry, none, or a cache that does not answer now. */
export type CacheLookupResult = 'hit' | 'miss' | 'unavailable';

/**
 * What the module measures, called where it happens. With metrics off (the default) it is NOOP_AUTH_METRICS, whose
 * calls do nothing; the hot path (the guard) only calls it, it builds nothing for it.
 */
export interface AuthMetrics {
  /** False when nothing is recorded: callers skip work (a clock read) that only feeds the metrics. */
  readonly enabled: boolean;
  /** One access-token check (`JwtGuard.authenticate`); `@RequireFreshSession()`'s later check is not one. */
  guardDecision(reason: GuardDecisionReason): void;
  cacheLookup(result: CacheLookupResult): void;
  /** Read at each scrape: whether the revocation listener is proven to deliver. */
  watchListener(listening: () => boolean): void;
  /** From the revoking statement's end on the database's clock to its arrival here, in seconds. */
  revocationDelivered(delaySeconds: number): void;
  sessionsRevoked(reason: string, count: number): void;
  /** What one guard check that read PostgreSQL waited for it, in seconds. */
  guardDatabaseWait(seconds: number): void;
  /** What a module route's handler (after its guard) waited for PostgreSQL, in seconds. */
  routeDatabaseWait(controller: Type, seconds: number): void;
  rateLimited(controller: Type, handler: { name: string }): void;
  /** One batched read sent (`batchReads`): how many keys it carried, of sessions or of users. */
  readBatch(kind: 'session' | 'user', size: number): void;
}

/** The token of the module's AuthMetrics. */
export const AuthMetrics = Symbol('AuthMetrics');

const nothing = (): void => undefined;

/** Metrics off: every call does nothing. */
export const NOOP_AUTH_METRICS: AuthMetrics = {
  enabled: false,
  guardDecision: nothing,
  cacheLookup: nothing,
  watchListener: nothing,
  revocationDelivered: nothing,
  sessionsRevoked: nothing,
  guardDatabaseWait: nothing,
  routeDatabaseWait: nothing,
  rateLimited: nothing,
  readBatch: nothing,
};
