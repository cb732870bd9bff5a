import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { TooManyRequestsError } from '../errors/auth.errors.js';
import { AuthMetrics, NOOP_AUTH_METRICS } from '../metrics/auth-metrics.js';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import { clientKey } from './client-key.js';

/** The hit counter of the module's rate limit. */
export const AUTH_RATE_LIMIT_STORAGE = Symbol('AUTH_RATE_LIMIT_STORAGE');

/**
 * The counter the module's routes use: `rateLimit.storage` when the host gives one, else the host's
 * own `ThrottlerStorage` (ThrottlerModule's, e.g. a Redis store shared by every instance), else an
 * in-memory store of the module's own. Keys are the module's own, so they never mix with the host's.
 */
export function rateLimitStorage(options: ResolvedAuthOptions, hostStorage?: ThrottlerStorage): ThrottlerStorage {
  return options.rateLimit?.storage ?? hostStorage ?? new ThrottlerStorageService();
}

/**
 * Per-client rate limit: at most `limit` per `ttlSeconds` per route and client (its address, IPv6 by
 * /64, see clientKey); beyond it the client is refused for `ttlSeconds` with a TooManyRequestsError,
 * which each route answers as 429 in its own body, with `Retry-After`.
 *
 * As a guard (the host's sign-in, the module's refresh) it counts every request. On the module's routes
 * that check an access token, AuthRouteGuard counts only the requests that fail authentication
 * (`countFailedAuthentication`): a request with a valid token is never refused, so no flood from a
 * shared address (a NAT, an office) can keep a user from signing out, while floods of bad or missing
 * tokens are still refused.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(AUTH_RATE_LIMIT_STORAGE) private readonly storage: ThrottlerStorage,
    private readonly adapterHost: HttpAdapterHost,
    @Optional() @Inject(AuthMetrics) private readonly metrics: AuthMetrics = NOOP_AUTH_METRICS,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.count(context, 'requests');
    return true;
  }

  /** Counts a request that failed authentication; past the limit, it is refused as too many. */
  async countFailedAuthentication(context: ExecutionContext): Promise<void> {
    await this.count(context, 'failed');
  }

  private async count(context: ExecutionContext, what: 'requests' | 'failed'): Promise<void> {
    const rateLimit = this.options.rateLimit;
    if (!rateLimit) return;
    const http = context.switchToHttp();
    const request = http.getRequest<{ ip?: string; socket?: { remoteAddress?: string } }>();
    const client = clientKey(request.ip ?? request.socket?.remoteAddress);
    const key = `${context.getClass().name}.${context.getHandler().name}:${what}:${client}`;
    const ttlMs = rateLimit.ttlSeconds * 1000;
    const record = await this.storage.increment(key, ttlMs, rateLimit.limit, ttlMs, 'nest-signout');
    if (!record.isBlocked) return;
    this.metrics.rateLimited(context.getClass(), context.getHandler());
    this.adapterHost.httpAdapter.setHeader(
      http.getResponse(),
      'Retry-After',
      String(Math.max(1, record.timeToBlockExpire)),
    );
    throw new TooManyRequestsError('Rate limit exceeded');
  }
}
