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
  Sse,
  UnauthorizedException,
  UseGuards,
  type MessageEvent,
} from '@nestjs/common';
import { catchError, map, of, throwError, type Observable } from 'rxjs';
import {
  AuthCookieService,
  AuthRateLimitGuard,
  CurrentSession,
  JwtGuard,
  RevocationStream,
  RevocationStreamInterruptedError,
  SessionService,
  SignInThrottle,
  type AuthenticatedSession,
  type SignInRequest,
} from '../auth/index.js';
import { LoginValidationPipe } from './login-validation.pipe.js';
import { LoginDto } from './login.dto.js';
import { DemoUsersService } from './users/demo-users.service.js';

const loginValidation = new LoginValidationPipe();

/** What the session stream sends when it can no longer tell whether the session lives: reconnect (and be checked). */
export const STREAM_INTERRUPTED: MessageEvent = { type: 'interrupted', data: { code: 'STREAM_INTERRUPTED' } };

/** The demo's own routes: sign in with email and password, see who you are, and follow your sessions' ends. */
@Controller('auth')
export class DemoAuthController {
  constructor(
    private readonly users: DemoUsersService,
    private readonly sessions: SessionService,
    private readonly cookies: AuthCookieService,
    private readonly throttle: SignInThrottle,
    private readonly revocations: RevocationStream,
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

  /**
   * Server-sent events: each revocation of one of the caller's sessions, made anywhere (`data:` the JSON of the
   * RevocationEvent, with `current: true` when it ends the caller's own), ending with the one that ends the caller's
   * session.
   * When the instance can no longer tell, an `interrupted` event, then the end: the client reconnects.
   */
  @Sse('sessions/events')
  @UseGuards(JwtGuard)
  sessionEvents(@CurrentSession() session: AuthenticatedSession): Observable<MessageEvent> {
    return this.revocations.sessionEvents(session).pipe(
      map(({ endsSession, ...event }) => ({ data: { ...event, current: endsSession } })),
      catchError((error: unknown) =>
        error instanceof RevocationStreamInterruptedError ? of(STREAM_INTERRUPTED) : throwError(() => error),
      ),
    );
  }
}
