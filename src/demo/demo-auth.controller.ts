import {
  Body,
  Controller,
  Get,
  Header,
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
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { catchError, map, of, throwError, type Observable } from 'rxjs';
import {
  AuthCookieService,
  ApiNoAuth,
  AUTH_SECURITY_SCHEME,
  AuthRateLimitGuard,
  CurrentSession,
  GENERIC_ERROR_SCHEMA,
  IssuedTokensResponse,
  JwtGuard,
  RevocationStream,
  RevocationStreamInterruptedError,
  SessionService,
  SignInThrottle,
  type AuthenticatedSession,
  type SignInRequest,
} from '../auth/index.js';
import {
  ApiBodyAnswers,
  ApiDemoDefault,
  ApiGuardAnswers,
  ApiRateLimitAnswer,
  jsonBody,
  SESSION_LIMIT_ANSWER,
} from './demo-openapi.js';
import { LoginValidationPipe } from './login-validation.pipe.js';
import { LoginDto } from './login.dto.js';
import { DemoUsersService } from './users/demo-users.service.js';

const loginValidation = new LoginValidationPipe();

/** What the session stream sends when it can no longer tell whether the session lives: reconnect (and be checked). */
export const STREAM_INTERRUPTED: MessageEvent = { type: 'interrupted', data: { code: 'STREAM_INTERRUPTED' } };

/** The demo's own routes: sign in with email and password, see who you are, and follow your sessions' ends. */
const ME_SCHEMA = {
  type: 'object',
  required: ['userId', 'sessionId', 'deviceId'],
  properties: {
    userId: { type: 'string' },
    sessionId: { type: 'string', format: 'uuid' },
    deviceId: { type: 'string', nullable: true },
  },
};

const ME_EXAMPLE = { userId: 'user-1', sessionId: '0b7e3f4c-2a8d-4d1e-9c55-3f6a1b2c3d4e', deviceId: 'phone-1' };

const INVALID_CREDENTIALS = {
  message: 'Unauthorized',
  description: 'Invalid email or password',
  code: 'INVALID_CREDENTIALS',
};

@Controller('auth')
@ApiTags('demo')
@ApiDemoDefault()
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
  @ApiOperation({ operationId: 'login', summary: 'Sign in with email and password' })
  @ApiNoAuth()
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({
    description: 'A new session: its token pair (in cookie mode, in the cookies)',
    type: IssuedTokensResponse,
  })
  @ApiBodyAnswers()
  @ApiResponse({
    status: 401,
    description: 'Wrong email or password, or a disabled account',
    content: jsonBody(GENERIC_ERROR_SCHEMA, INVALID_CREDENTIALS),
  })
  @ApiResponse({
    status: 403,
    description: 'The account holds as many sessions as it may',
    content: SESSION_LIMIT_ANSWER,
  })
  @ApiRateLimitAnswer()
  async login(
    @Body(loginValidation) body: LoginDto,
    @Ip() ip: string,
    @Req() request: SignInRequest & { headers: Record<string, string | string[] | undefined> },
    @Res({ passthrough: true }) response: unknown,
  ) {
    // From the request, not a declared header: browsers cannot set it, and the document must not ask for it.
    const userAgent = request.headers['user-agent'];
    // Before the password is checked: an account in back-off answers 429 even to the right password.
    await this.throttle.assertMayTry(body.email, request);
    const user = await this.users.verifyCredentials(body.email, body.password);
    if (!user || user.disabled) {
      await this.throttle.recordFailure(body.email, request);
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }
    await this.throttle.recordSuccess(body.email);
    const session = await this.sessions.createSession({
      userId: user.id,
      deviceId: body.deviceId,
      deviceName: body.deviceName,
      pushToken: body.pushToken,
      ip,
      userAgent: typeof userAgent === 'string' ? userAgent : undefined,
      rememberMe: body.rememberMe,
    });
    // In cookie mode the tokens go to the browser as HttpOnly cookies, not to page script.
    return this.cookies.issueTokens(response, session);
  }

  @Get('me')
  @Header('Cache-Control', 'no-store')
  @UseGuards(JwtGuard)
  @ApiOperation({ operationId: 'getCurrentSession', summary: 'Who the access token belongs to' })
  @ApiBearerAuth(AUTH_SECURITY_SCHEME)
  @ApiOkResponse({ description: 'The caller', content: jsonBody(ME_SCHEMA, ME_EXAMPLE) })
  @ApiGuardAnswers()
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
  @ApiOperation({
    operationId: 'followSessionEvents',
    summary: "Follow the ends of the caller's sessions (server-sent events)",
  })
  @ApiBearerAuth(AUTH_SECURITY_SCHEME)
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: "One `data:` event per ended session (`current: true` for the caller's own), or `interrupted`",
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiGuardAnswers()
  sessionEvents(@CurrentSession() session: AuthenticatedSession): Observable<MessageEvent> {
    return this.revocations.sessionEvents(session).pipe(
      map(({ endsSession, ...event }) => ({ data: { ...event, current: endsSession } })),
      catchError((error: unknown) =>
        error instanceof RevocationStreamInterruptedError ? of(STREAM_INTERRUPTED) : throwError(() => error),
      ),
    );
  }
}
