import { Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import { CurrentSession, JwtGuard, SessionService, type AuthenticatedSession } from '../../src/auth/index.js';

/**
 * Routes of a host whose users live elsewhere: a sign-in without a password for any user id, and a
 * route of its own behind JwtGuard.
 */
@Controller()
export class HostSignInController {
  constructor(private readonly sessions: SessionService) {}

  @Post('sign-in/:userId')
  signIn(@Param('userId') userId: string) {
    return this.sessions.createSession({ userId });
  }

  @Get('profile')
  @UseGuards(JwtGuard)
  profile(@CurrentSession() session: AuthenticatedSession) {
    return { user: session.userId };
  }
}
