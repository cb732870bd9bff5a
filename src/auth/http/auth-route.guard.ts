import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtGuard } from '../guard/jwt.guard.js';
import { AuthRateLimitGuard } from './rate-limit.guard.js';

/** Route metadata set by `@AuthRoute()`: whether the route needs an access token. */
export const AUTH_ROUTE_AUTHENTICATED = 'auth:route-authenticated';

/**
 * The guard of every module route: the rate limit first (so floods of bad tokens are limited too),
 * then, where the route needs one, the access token. Module routes are `@Public()` to a global
 * JwtGuard of the host, so this order holds whatever the host installs.
 */
@Injectable()
export class AuthRouteGuard implements CanActivate {
  constructor(
    private readonly rateLimit: AuthRateLimitGuard,
    private readonly jwt: JwtGuard,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.rateLimit.canActivate(context);
    const authenticated = this.reflector.get<boolean>(AUTH_ROUTE_AUTHENTICATED, context.getClass()) ?? true;
    if (authenticated) await this.jwt.authenticate(context);
    return true;
  }
}
