import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedSession } from '../sessions/session.types.js';

/** The `AuthenticatedSession` of a request that passed `JwtGuard` (its `request.user`). */
export const CurrentSession = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedSession =>
    context.switchToHttp().getRequest<{ user: AuthenticatedSession }>().user,
);
