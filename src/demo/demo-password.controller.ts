import { Body, Controller, Header, HttpCode, Post, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AUTH_SECURITY_SCHEME,
  AuthRateLimitGuard,
  CurrentSession,
  GENERIC_ERROR_SCHEMA,
  JwtGuard,
  SessionService,
  SignInThrottle,
  type AuthenticatedSession,
  type SignInRequest,
} from '../auth/index.js';
import { ChangePasswordDto } from './change-password.dto.js';
import { ApiBodyAnswers, ApiDemoDefault, ApiGuardAnswers, ApiRateLimitAnswer, jsonBody } from './demo-openapi.js';
import { LoginValidationPipe } from './login-validation.pipe.js';
import { DemoUsersService } from './users/demo-users.service.js';

const validation = new LoginValidationPipe();

const WRONG_PASSWORD = {
  message: 'Unauthorized',
  description: 'The current password is wrong',
  code: 'INVALID_CREDENTIALS',
};

const CHANGED_SCHEMA = {
  type: 'object',
  required: ['message', 'endedSessions'],
  properties: {
    message: { type: 'string' },
    endedSessions: { type: 'integer', minimum: 0, description: 'How many other sessions ended.' },
  },
};

/**
 * The "password changed" recipe: the current password proves the user (a wrong one counts as a failed sign-in), the
 * new one replaces it, and every other session of the user ends (`credentials_changed`) while this one stays, freshly
 * authenticated.
 */
@Controller('auth')
@ApiTags('demo')
export class DemoPasswordController {
  constructor(
    private readonly users: DemoUsersService,
    private readonly sessions: SessionService,
    private readonly throttle: SignInThrottle,
  ) {}

  @Post('password')
  @UseGuards(AuthRateLimitGuard, JwtGuard)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ operationId: 'changePassword', summary: 'Change the password; every other session ends' })
  @ApiBearerAuth(AUTH_SECURITY_SCHEME)
  @ApiBody({ type: ChangePasswordDto })
  @ApiOkResponse({
    description: 'Changed; the other sessions ended (`credentials_changed`)',
    content: jsonBody(CHANGED_SCHEMA, { message: 'Password changed', endedSessions: 2 }),
  })
  @ApiBodyAnswers()
  @ApiResponse({
    status: 401,
    description: 'The current password is wrong, or the token is not live',
    content: jsonBody(GENERIC_ERROR_SCHEMA, WRONG_PASSWORD),
  })
  @ApiGuardAnswers()
  @ApiRateLimitAnswer()
  @ApiDemoDefault()
  async changePassword(
    @CurrentSession() session: AuthenticatedSession,
    @Body(validation) body: ChangePasswordDto,
    @Req() request: SignInRequest & object,
  ) {
    const email = await this.users.emailOf(session.userId);
    await this.throttle.assertMayTry(email ?? session.userId, request);
    const user = email ? await this.users.verifyCredentials(email, body.currentPassword) : null;
    if (!email || !user || user.id !== session.userId) {
      await this.throttle.recordFailure(email ?? session.userId, request);
      throw new UnauthorizedException(WRONG_PASSWORD);
    }
    await this.throttle.recordSuccess(email);
    await this.users.upsertUser(email, body.newPassword);
    const ended = await this.sessions.forRequest(request).endSessionsAfterCredentialChange(session.userId, session);
    return { message: 'Password changed', endedSessions: ended.length };
  }
}
