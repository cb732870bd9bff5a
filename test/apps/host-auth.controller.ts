import {
  BadRequestException,
  type ArgumentMetadata,
  Body,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Ip,
  Post,
  Res,
  UnauthorizedException,
  Req,
  UseGuards,
  ValidationPipe,
} from '@nestjs/common';
import { IsBoolean, IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import {
  AuthCookieService,
  AuthRateLimitGuard,
  CurrentSession,
  IsStorableText,
  JwtGuard,
  SessionService,
  type AuthenticatedSession,
} from '../../src/auth/index.js';
import { HostAccounts } from './host-accounts.js';

/** The sign-in body, as the demo's. */
export class HostLoginDto {
  @IsEmail()
  @MaxLength(320)
  @IsStorableText()
  email: string;

  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  @IsStorableText()
  password: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @IsStorableText()
  deviceId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  @IsStorableText()
  deviceName?: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  @IsStorableText()
  pushToken?: string;

  @IsOptional()
  @IsBoolean()
  rememberMe?: boolean;
}

/** The demo's answers to a body that fails validation and to bad credentials. */
const INVALID_INPUT = {
  message: 'Invalid input data',
  description: 'The request data did not pass validation',
  code: 'INVALID_INPUT',
};
const INVALID_CREDENTIALS = {
  message: 'Unauthorized',
  description: 'Invalid email or password',
  code: 'INVALID_CREDENTIALS',
};

/** More than `limit` levels of objects and arrays; recurses at most `limit + 1` deep, whatever the value. */
const deeperThan = (value: unknown, limit: number): boolean =>
  typeof value === 'object' &&
  value !== null &&
  (limit === 0 || Object.values(value).some((child) => deeperThan(child, limit - 1)));

/** As the demo's: class-transformer overflows the stack on a body nested thousands deep, so depth comes first. */
class LoginValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (deeperThan(value, 32)) throw new BadRequestException(INVALID_INPUT);
    return super.transform(value, metadata);
  }
}

const loginValidation = new LoginValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: () => new BadRequestException(INVALID_INPUT),
});

/**
 * The host's own sign-in and "who am I", as a host writes them with the module's public API: it checks
 * the password in its accounts table, asks SessionService for a session, hands the tokens out (as
 * cookies, not in the body, in cookie mode: AuthCookieService.issueTokens), and guards its own route with JwtGuard.
 */
@Controller('auth')
export class HostAuthController {
  constructor(
    private readonly accounts: HostAccounts,
    private readonly sessions: SessionService,
    private readonly cookies: AuthCookieService,
  ) {}

  @Post('login')
  @UseGuards(AuthRateLimitGuard)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async login(
    @Body(loginValidation) body: HostLoginDto,
    @Ip() ip: string,
    @Res({ passthrough: true }) response: unknown,
    @Headers('user-agent') userAgent?: string,
  ) {
    const account = await this.accounts.verify(body.email, body.password);
    if (!account || account.disabled) throw new UnauthorizedException(INVALID_CREDENTIALS);
    const session = await this.sessions.createSession({
      userId: account.id,
      deviceId: body.deviceId,
      deviceName: body.deviceName,
      pushToken: body.pushToken,
      ip,
      userAgent,
      rememberMe: body.rememberMe,
    });
    return this.cookies.issueTokens(response, session);
  }

  @Get('me')
  @Header('Cache-Control', 'no-store')
  @UseGuards(JwtGuard)
  me(@CurrentSession() session: AuthenticatedSession) {
    return { userId: session.userId, sessionId: session.sessionId, deviceId: session.deviceId };
  }

  /** A host's own use of SessionService behind JwtGuard, under the deadline the guard's check started. */
  @Get('my-sessions')
  @Header('Cache-Control', 'no-store')
  @UseGuards(JwtGuard)
  async mySessions(@CurrentSession() session: AuthenticatedSession, @Req() request: object) {
    return { count: (await this.sessions.forRequest(request).listSessions(session.userId)).length };
  }
}
