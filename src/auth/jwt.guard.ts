import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JWT_STRATEGY_NAME, JwtStrategy } from './jwt.strategy.js';
import type { AuthenticatedSession } from './session.types.js';
import { toDomainError } from './routes/error-response.js';
import { tokenErrorFrom } from './token-errors.js';
import { RAW_AUTHORIZATION_ALLOWED, RAW_AUTHORIZATION_FLAG } from './token-extraction.js';

/** Where the guard leaves the session on the request. */
export const AUTH_SESSION_PROPERTY = 'authSession';

/**
 * Lets a request through only with a valid access token of a live session of
 * an enabled user. Refusals are domain errors (see auth.errors.ts), answered by
 * the route's exception filter. Works on Express and Fastify alike.
 *
 * It drives the strategy's own passport instance rather than @nestjs/passport's
 * AuthGuard, which always uses the process-wide passport singleton.
 */
@Injectable()
export class JwtGuard implements CanActivate {
  constructor(
    private readonly strategy: JwtStrategy,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<Record<string | symbol, unknown>>();
    request[RAW_AUTHORIZATION_FLAG] =
      this.reflector.getAllAndOverride<boolean>(RAW_AUTHORIZATION_ALLOWED, [
        context.getHandler(),
        context.getClass(),
      ]) ?? false;
    request[AUTH_SESSION_PROPERTY] = await new Promise<AuthenticatedSession>((resolve, reject) => {
      const authenticate = this.strategy
        .getPassportInstance()
        .authenticate(
          JWT_STRATEGY_NAME,
          { session: false },
          (error: unknown, session: AuthenticatedSession | false, info: unknown) => {
            // An unreachable database becomes a domain error, so the host's routes answer it too (503 by default).
            if (error) reject(toDomainError(error));
            else if (!session) reject(tokenErrorFrom(info));
            else resolve(session);
          },
        );
      authenticate(request, http.getResponse(), reject);
    });
    return true;
  }
}
