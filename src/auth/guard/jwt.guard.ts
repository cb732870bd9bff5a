import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthError } from '../errors/auth.errors.js';
import { toDomainError } from '../http/error-response.js';
import { AuthMetrics, NOOP_AUTH_METRICS } from '../metrics/auth-metrics.js';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import { SessionService } from '../sessions/session.service.js';
import { deadlineOf } from '../sessions/database-deadline.js';
import type { AuthenticatedSession } from '../sessions/session.types.js';
import { tokenErrorFrom } from '../tokens/token-errors.js';
import { RAW_AUTHORIZATION_ALLOWED } from './allow-raw-authorization.decorator.js';
import { accessTokenExtractor, type TokenSource } from '../tokens/token-extraction.js';
import { VerifiedTokenCache } from '../tokens/verified-token-cache.js';
import { JWT_STRATEGY, JwtStrategy, RAW_ACCESS_TOKEN } from './jwt.strategy.js';
import { IS_PUBLIC } from './public.decorator.js';
import { FRESH_SESSION_MAX_AGE } from './require-fresh-session.decorator.js';

/**
 * Lets a request through only with a valid access token of a live session of an enabled user, and
 * leaves that session at `request.user` (passport's convention; `@CurrentSession()` reads it).
 * Refusals are domain errors (see auth.errors.ts), answered by the route's exception filter, or on
 * the host's routes by the module's global filter. Routes marked `@Public()` pass without a token,
 * so the guard can be the host's `APP_GUARD`. Works on Express and Fastify alike; a GraphQL host
 * overrides `getRequest`.
 *
 * Each guard instance (the module's, a host module's, an `APP_GUARD`) builds its own JwtStrategy in
 * its own passport instance, from the module's options and SessionService, so a host module needs
 * nothing but those two from AuthModule. It drives that passport instance rather than
 * @nestjs/passport's AuthGuard, which always uses the process-wide passport singleton.
 */
@Injectable()
export class JwtGuard implements CanActivate {
  private readonly strategy: JwtStrategy;
  private readonly extract: Record<'bearer' | 'allowRaw', (request: TokenSource) => string | null>;

  constructor(
    @Inject(AUTH_OPTIONS) options: ResolvedAuthOptions,
    private readonly sessions: SessionService,
    private readonly reflector: Reflector,
    @Optional() @Inject(AuthMetrics) private readonly metrics: AuthMetrics = NOOP_AUTH_METRICS,
    @Optional() private readonly verified?: VerifiedTokenCache,
  ) {
    this.strategy = new JwtStrategy(options, sessions, verified);
    const cookieName = options.cookie?.name ?? null;
    this.extract = {
      bearer: accessTokenExtractor({ allowRawAuthorization: false, cookieName }),
      allowRaw: accessTokenExtractor({ allowRawAuthorization: true, cookieName }),
    };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.metadata(IS_PUBLIC, context)) return true;
    const session = await this.authenticate(context);
    const maxAgeSeconds = this.reflector.getAllAndOverride<number | undefined>(FRESH_SESSION_MAX_AGE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (maxAgeSeconds !== undefined)
      await this.sessions.forRequest(this.getRequest(context)).requireFreshSession(session, maxAgeSeconds);
    return true;
  }

  /**
   * The request that carries the token and receives `user`. Override for other transports (GraphQL: the context's req).
   */
  getRequest(context: ExecutionContext): Record<string, unknown> {
    return context.switchToHttp().getRequest();
  }

  /** Authenticates the request whatever its route's metadata says about being public, and returns its session. */
  async authenticate(context: ExecutionContext): Promise<AuthenticatedSession> {
    const request = this.getRequest(context);
    const allowRaw = this.metadata(RAW_AUTHORIZATION_ALLOWED, context);
    if (!this.metrics.enabled) {
      const session = await this.verify(request, allowRaw);
      request.user = session;
      return session;
    }
    const deadline = deadlineOf(request);
    const waitedBefore = deadline.waitedMs;
    try {
      const session = await this.verify(request, allowRaw);
      request.user = session;
      this.metrics.guardDecision('none');
      return session;
    } catch (error) {
      this.metrics.guardDecision(error instanceof AuthError ? error.kind : 'internal');
      throw error;
    } finally {
      const waitedMs = deadline.waitedMs - waitedBefore;
      if (waitedMs > 0) this.metrics.guardDatabaseWait(waitedMs / 1000);
    }
  }

  /** The request's session: from a token verified before, or through the strategy. */
  private async verify(request: Record<string, unknown>, allowRaw: boolean): Promise<AuthenticatedSession> {
    return (
      (await this.fromVerifiedToken(request, allowRaw)) ??
      (await this.runStrategy(request, allowRaw ? JWT_STRATEGY.allowRaw : JWT_STRATEGY.bearer))
    );
  }

  /**
   * A token verified before (VerifiedTokenCache) goes straight to the session check; otherwise undefined, and the
   * strategy verifies it (and remembers it, from the token left on the request).
   */
  private async fromVerifiedToken(
    request: Record<string | symbol, unknown>,
    allowRaw: boolean,
  ): Promise<AuthenticatedSession | undefined> {
    if (!this.verified) return undefined;
    let token: string | null;
    try {
      token = this.extract[allowRaw ? 'allowRaw' : 'bearer'](request as unknown as TokenSource);
    } catch {
      // The strategy reads the header again and refuses it the same way.
      return undefined;
    }
    if (!token) return undefined;
    const claims = this.verified.get(token);
    if (!claims) {
      request[RAW_ACCESS_TOKEN] = token;
      return undefined;
    }
    try {
      return await this.sessions.forRequest(request).validateSession(claims);
    } catch (error) {
      throw toDomainError(error);
    }
  }

  private runStrategy(request: Record<string, unknown>, strategy: string): Promise<AuthenticatedSession> {
    return new Promise<AuthenticatedSession>((resolve, reject) => {
      const authenticate = this.strategy
        .getPassportInstance()
        .authenticate(
          strategy,
          { session: false },
          (error: unknown, user: AuthenticatedSession | false, info: unknown) => {
            // An unreachable database becomes a domain error, so the host's routes answer it too (503 by default).
            if (error) reject(toDomainError(error));
            else if (!user) reject(tokenErrorFrom(info));
            else resolve(user);
          },
        );
      try {
        authenticate(request, undefined, reject);
      } catch (error) {
        // The extractor throws MalformedTokenError for an Authorization header that holds no token.
        reject(toDomainError(error));
      }
    });
  }

  private metadata(key: string, context: ExecutionContext): boolean {
    return this.reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]) ?? false;
  }
}
