import {
  Body,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Ip,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import {
  AuthCookieService,
  AuthRateLimitGuard,
  CurrentSession,
  JwtGuard,
  SessionService,
  SignInThrottle,
  type AuthenticatedSession,
  type SignInRequest,
} from '../auth/index.js';
import { LoginValidationPipe } from './login-validation.pipe.js';
import { LoginDto } from './login.dto.js';
import { DemoUsersService } from './users/demo-users.service.js';

const loginValidation = new LoginValidationPipe();

/** The demo's own routes: sign in with email and password, and see who you are. */
@Controller('auth')
export class DemoAuthController {
  constructor(
    private readonly users: DemoUsersService,
    private readonly sessions: SessionService,
    private readonly cookies: AuthCookieService,
    private readonly throttle: SignInThrottle,
  ) {}

  @Post('login')
  @UseGuards(AuthRateLimitGuard)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async login(
    @Body(loginValidation) body: LoginDto,
    @Ip() ip: string,
    @Req() request: SignInRequest,
    @Res({ passthrough: true }) response: unknown,
    @Headers('user-agent') userAgent?: string,
  ) {
    // Before the password is checked: an account in back-off answers 429 even to the right password.
    await this.throttle.assertMayTry(body.email, request);
    const user = await this.users.verifyCredentials(body.email, body.password);
    if (!user || user.disabled) {
      await this.throttle.recordFailure(body.email, request);
      throw new UnauthorizedException({
        message: 'Unauthorized',
        description: 'Invalid email or password',
        code: 'INVALID_CREDENTIALS',
      });
    }
    await this.throttle.recordSuccess(body.email);
    const session = await this.sessions.createSession({
      userId: user.id,
      deviceId: body.deviceId,
      deviceName: body.deviceName,
      pushToken: body.pushToken,
      ip,
      userAgent,
      rememberMe: body.rememberMe,
    });
    // In cookie mode the tokens go to the browser as HttpOnly cookies, not to page script.
    return this.cookies.issueTokens(response, session);
  }

  @Get('me')
  @Header('Cache-Control', 'no-store')
  @UseGuards(JwtGuard)
  me(@CurrentSession() session: AuthenticatedSession) {
    return { userId: session.userId, sessionId: session.sessionId, deviceId: session.deviceId };
  }
}
