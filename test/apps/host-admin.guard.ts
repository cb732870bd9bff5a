import { Injectable, type CanActivate, type ExecutionContext, type Type } from '@nestjs/common';
import type { AuthenticatedSession } from '../../src/auth/index.js';

/**
 * The test host's admin guard (the `admin` extra's `guard`): a caller is an administrator when its user id is in
 * `admins`, a set the suite fills as it creates its users.
 */
export function allowListAdminGuard(admins: ReadonlySet<string>): Type<CanActivate> {
  @Injectable()
  class AllowListAdminGuard implements CanActivate {
    canActivate(context: ExecutionContext): boolean {
      const { user } = context.switchToHttp().getRequest<{ user: AuthenticatedSession }>();
      return admins.has(user.userId);
    }
  }
  return AllowListAdminGuard;
}
