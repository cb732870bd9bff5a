import { Controller, HttpCode, Post, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { ClearAuthCookieInterceptor } from '../cookies/auth-cookie.service.js';
import { CurrentSession } from '../current-session.decorator.js';
import { JwtGuard } from '../jwt.guard.js';
import { AuthRateLimitGuard } from '../rate-limit.guard.js';
import { JsonBody } from '../routes/json-body.decorator.js';
import { ApiLogoutRoute, V3_ERROR_SCHEMA } from '../routes/openapi.js';
import { SessionService } from '../session.service.js';
import type { AuthenticatedSession } from '../session.types.js';
import { V3LogoutBody } from './v3-logout.dto.js';
import { V3LogoutExceptionFilter } from './v3-exception.filter.js';

/** `POST /v3/logout` of signinghub-v3-logout.txt: 200 with an empty body; `device_token` is removed from the user's devices. */
@Controller()
@UseGuards(AuthRateLimitGuard, JwtGuard)
@UseFilters(V3LogoutExceptionFilter)
@UseInterceptors(ClearAuthCookieInterceptor)
export class V3LogoutController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @HttpCode(200)
  @ApiBody({ type: V3LogoutBody, required: false })
  @ApiLogoutRoute('Logout', V3_ERROR_SCHEMA, [
    { status: 200, description: 'OK (empty body)' },
    { status: 401, description: 'Unauthorized', example: { Message: 'Request authorization denied' } },
    { status: 403, description: 'Forbidden', example: { Message: 'Account is disabled' } },
    { status: 404, description: 'Not Found', example: { Message: 'User not found' } },
    {
      status: 500,
      description: 'Internal Server Error',
      example: { Message: 'An internal server error occurred while processing the request' },
    },
  ])
  async logout(
    @CurrentSession() session: AuthenticatedSession,
    @JsonBody({ dto: V3LogoutBody }) body: V3LogoutBody,
  ): Promise<void> {
    await this.sessions.logout(session, { pushToken: body.device_token });
  }
}
