import { Controller, Get, Param, Post, Res, UseGuards } from '@nestjs/common';
import {
  AuthCookieService,
  CurrentSession,
  JwtGuard,
  SessionService,
  type AuthenticatedSession,
} from '../../src/auth/index.js';

/**
 * Routes of a host whose users live elsewhere: a sign-in without a password for any user id (in cookie mode its
 * tokens go out as the cookies), and a route of its own behind JwtGuard.
 */
@Controller()
export class HostSignInController {
  constructor(
    private readonly sessions: SessionService,
    private readonly cookies: AuthCookieService,
  ) {}

  @Post('sign-in/:userId')
  async signIn(@Param('userId') userId: string, @Res({ passthrough: true }) response: unknown) {
    const session = await this.sessions.createSession({ userId });
    return this.cookies.enabled ? this.cookies.issueTokens(response, session) : session;
  }

  @Get('profile')
  @UseGuards(JwtGuard)
  profile(@CurrentSession() session: AuthenticatedSession) {
    return { user: session.userId };
  }
}
