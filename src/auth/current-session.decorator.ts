import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AUTH_SESSION_PROPERTY } from './jwt.guard.js';
import type { AuthenticatedSession } from './session.types.js';

/** The `AuthenticatedSession` of a request that passed `JwtGuard`. */
export const CurrentSession = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedSession =>
    context.switchToHttp().getRequest<Record<string, AuthenticatedSession>>()[AUTH_SESSION_PROPERTY],
);
