import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { TooManyRequestsError } from '../errors/auth.errors.js';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';

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
 * Per-client rate limit of the module's routes (and of the host's login, where
 * the host puts it): at most `limit` requests per `ttlSeconds` per route and
 * client IP; beyond it the client is refused for `ttlSeconds` with a
 * TooManyRequestsError, which each route answers as 429 in its own body, with
 * `Retry-After`. It runs before JwtGuard, so floods of bad tokens are limited too.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(AUTH_RATE_LIMIT_STORAGE) private readonly storage: ThrottlerStorage,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rateLimit = this.options.rateLimit;
    if (!rateLimit) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<{ ip?: string; socket?: { remoteAddress?: string } }>();
    const client = request.ip ?? request.socket?.remoteAddress ?? 'unknown';
    const key = `${context.getClass().name}.${context.getHandler().name}:${client}`;
    const ttlMs = rateLimit.ttlSeconds * 1000;
    const record = await this.storage.increment(key, ttlMs, rateLimit.limit, ttlMs, 'nest-signout');
    if (!record.isBlocked) return true;
    this.adapterHost.httpAdapter.setHeader(
      http.getResponse(),
      'Retry-After',
      String(Math.max(1, record.timeToBlockExpire)),
    );
    throw new TooManyRequestsError('Rate limit exceeded');
  }
}
