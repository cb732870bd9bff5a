import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Ip,
  Post,
  Req,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import {
  AuthRateLimitGuard,
  CurrentSession,
  JwtGuard,
  SessionService,
  SignInThrottle,
  type AuthenticatedSession,
  type SignInRequest,
} from 'nest-signout';
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
    private readonly throttle: SignInThrottle,
  ) {}

  @Post('accounts')
  async signUp(@Body() { email, password }: Credentials) {
    const { id } = await this.accounts.register(email, password);
    return { id, email };
  }

  @Post('login')
  @UseGuards(AuthRateLimitGuard)
  @HttpCode(200)
  async login(
    @Body() { email, password }: Credentials,
    @Req() request: SignInRequest,
    @Ip() ip: string,
    @Headers('user-agent') userAgent?: string,
  ) {
    // An account in back-off is refused (429, Retry-After) before its password is checked, even the right one.
    await this.throttle.assertMayTry(email, request);
    const account = await this.accounts.verify(email, password);
    if (!account) {
      await this.throttle.recordFailure(email, request);
      throw new UnauthorizedException();
    }
    await this.throttle.recordSuccess(email);
    return this.sessions.createSession({ userId: account.id, ip, userAgent });
  }

  @Get('profile')
  @UseGuards(JwtGuard)
  profile(@CurrentSession() session: AuthenticatedSession) {
    return { userId: session.userId, sessionId: session.sessionId };
  }

  @Post('password')
  @UseGuards(JwtGuard)
  @HttpCode(200)
  async changePassword(
    @CurrentSession() session: AuthenticatedSession,
    @Body() { password, newPassword }: { password: string; newPassword: string },
  ) {
    if (!(await this.accounts.changePassword(session.userId, password, newPassword))) throw new UnauthorizedException();
    // Every other session of the account ends (credentials_changed), on every instance; this one stays, fresh.
    const ended = await this.sessions.endSessionsAfterCredentialChange(session.userId, session);
    return { endedSessions: ended.length };
  }
}
