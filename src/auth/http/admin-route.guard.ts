import { HttpException, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import { AdminRequiredError } from '../errors/auth.errors.js';

/** The host's admin guard (`admin.guard`), as a provider of the module. */
export const AUTH_ADMIN_GUARD = Symbol('AUTH_ADMIN_GUARD');

/**
 * The second guard of the admin routes, after AuthRouteGuard has authenticated the caller: asks the host's guard,
 * and turns its refusal into the domain error the route's mapper answers (Nest's own ForbiddenException would reach
 * the mapper as a request it cannot read). `false`, or an HttpException below 500, is AdminRequiredError; a domain
 * error or anything unexpected passes on as thrown.
 */
@Injectable()
export class AdminRouteGuard implements CanActivate {
  constructor(@Inject(AUTH_ADMIN_GUARD) private readonly hostGuard: CanActivate) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    let allowed: boolean;
    try {
      const answer = this.hostGuard.canActivate(context);
      allowed = isObservable(answer) ? await lastValueFrom(answer) : await answer;
    } catch (error) {
      if (error instanceof HttpException && error.getStatus() < 500) throw new AdminRequiredError();
      throw error;
    }
    if (allowed !== true) throw new AdminRequiredError();
    return true;
  }
}
