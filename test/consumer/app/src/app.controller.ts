import { Body, Controller, Get, Headers, HttpCode, Ip, Post, UnauthorizedException, UseGuards } from '@nestjs/common';
import { CurrentSession, JwtGuard, SessionService, type AuthenticatedSession } from 'nest-signout';
import { AccountsService } from './accounts/accounts.service.js';

interface Credentials {
  email: string;
  password: string;
}

/** The app's own routes: sign up, sign in (opens a session), and a route of its own behind the module's JwtGuard. */
@Controller()
export class AppController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionService,
  ) {}

  @Post('accounts')
  async signUp(@Body() { email, password }: Credentials) {
    const { id } = await this.accounts.register(email, password);
    return { id, email };
  }

  @Post('login')
  @HttpCode(200)
  async login(@Body() { email, password }: Credentials, @Ip() ip: string, @Headers('user-agent') userAgent?: string) {
    const account = await this.accounts.verify(email, password);
    if (!account) throw new UnauthorizedException();
    return this.sessions.createSession({ userId: account.id, ip, userAgent });
  }

  @Get('profile')
  @UseGuards(JwtGuard)
  profile(@CurrentSession() session: AuthenticatedSession) {
    return { userId: session.userId, sessionId: session.sessionId };
  }
}
