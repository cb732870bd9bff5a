import { Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { CurrentSession } from '../current-session.decorator.js';
import { JwtGuard } from '../jwt.guard.js';
import { SessionService } from '../session.service.js';
import type { AuthenticatedSession } from '../session.types.js';
import { GenericLogoutExceptionFilter } from './generic-exception.filter.js';

/** `POST /auth/logout` of auth-logout.generic.txt. Mounted at its path by AuthModule. */
@Controller()
@UseGuards(JwtGuard)
@UseFilters(GenericLogoutExceptionFilter)
export class GenericLogoutController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @HttpCode(200)
  async logout(@CurrentSession() session: AuthenticatedSession): Promise<{ message: string }> {
    await this.sessions.logout(session);
    return { message: 'Logged out successfully' };
  }
}
