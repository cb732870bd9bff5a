import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AuthenticatedSession } from '../auth/index.js';
import type { DemoConfig } from './demo.config.js';
import { DemoUsersService } from './users/demo-users.service.js';

/**
 * The demo's admin guard (the module's `admin.guard`): the signed-in user is an administrator when its email is one
 * of AUTH_ADMIN_EMAILS, compared without case. It runs after the module has authenticated the request.
 */
@Injectable()
export class DemoAdminGuard implements CanActivate {
  private readonly admins: Set<string>;

  constructor(
    private readonly users: DemoUsersService,
    settings: ConfigService<DemoConfig, true>,
  ) {
    this.admins = new Set(settings.get('adminEmails', { infer: true }).map((email) => email.toLowerCase()));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { user } = context.switchToHttp().getRequest<{ user: AuthenticatedSession }>();
    const email = await this.users.emailOf(user.userId);
    return email !== null && this.admins.has(email.toLowerCase());
  }
}
