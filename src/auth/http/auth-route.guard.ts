import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { DatabaseUnavailableError } from '../errors/auth.errors.js';
import { JwtGuard } from '../guard/jwt.guard.js';
import { AuthCookieService } from './auth-cookie.service.js';
import { AuthRateLimitGuard } from './rate-limit.guard.js';

/** Route metadata set by `@AuthRoute()`: whether the route needs an access token. */
export const AUTH_ROUTE_AUTHENTICATED = 'auth:route-authenticated';

/**
 * The guard of every module route. In cookie mode it first refuses a state-changing request that a cookie
 * authenticates and a page of another origin sent (nothing is counted or changed). Where the route needs an access
 * token, it checks the token and counts only failed checks against the client's rate limit (a valid token is never
 * refused by the limiter, so signing out always works); a client past its limit gets 429 instead of 401. Refresh,
 * which takes no access token, counts every request. Module routes are `@Public()` to a global JwtGuard of the host,
 * so this holds whatever the host installs.
 */
@Injectable()
export class AuthRouteGuard implements CanActivate {
  constructor(
    private readonly rateLimit: AuthRateLimitGuard,
    private readonly jwt: JwtGuard,
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
    private readonly cookies: AuthCookieService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Every answer of a module route, refusals included, is about a token or a session: no cache keeps it.
    this.adapterHost.httpAdapter.setHeader(context.switchToHttp().getResponse(), 'Cache-Control', 'no-store');
    const authenticated = this.reflector.get<boolean>(AUTH_ROUTE_AUTHENTICATED, context.getClass()) ?? true;
    this.cookies.refuseCrossOriginCookieRequest(
      context.switchToHttp().getRequest(),
      authenticated ? 'access' : 'refresh',
    );
    if (!authenticated) return this.rateLimit.canActivate(context);
    try {
      await this.jwt.authenticate(context);
    } catch (error) {
      // An unreachable database says nothing about the client: it is not counted against it.
      if (!(error instanceof DatabaseUnavailableError)) await this.rateLimit.countFailedAuthentication(context);
      throw error;
    }
    return true;
  }
}
