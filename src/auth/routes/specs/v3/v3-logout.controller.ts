import { Controller, HttpCode, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { InvalidTokenError, UserDisabledError, UserNotFoundError } from '../../../errors/auth.errors.js';
import { CurrentSession } from '../../../guard/current-session.decorator.js';
import { ClearAuthCookieInterceptor } from '../../../http/auth-cookie.service.js';
import { ProviderLogoutInterceptor } from '../../../http/provider-logout.interceptor.js';
import { AuthRoute } from '../../../http/auth-route.decorator.js';
import { JsonBody } from '../../../http/json-body.decorator.js';
import { ApiAuthRoute } from '../../../http/openapi.js';
import { V3_ERROR_SCHEMA } from '../../../http/openapi-schemas.js';
import { SessionService } from '../../../sessions/session.service.js';
import type { AuthenticatedSession } from '../../../sessions/session.types.js';
import { V3LogoutBody } from './v3-logout.dto.js';

/**
 * `POST /v3/logout` of signinghub-v3-logout.txt: 200 with an empty body; `device_token` is removed from the user's
 * devices.
 */
@Controller()
@AuthRoute()
@UseInterceptors(ClearAuthCookieInterceptor, ProviderLogoutInterceptor)
@ApiTags('logout')
export class V3LogoutController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @HttpCode(200)
  @ApiBody({ type: V3LogoutBody, required: false })
  @ApiAuthRoute({
    operationId: 'v3Logout',
    summary: 'Logout',
    guarded: true,
    errorSchema: V3_ERROR_SCHEMA,
    raises: ['request_validation'],
    answers: [
      { status: 200, description: 'OK (empty body)' },
      { status: 401, description: 'Unauthorized', error: new InvalidTokenError() },
      { status: 403, description: 'Forbidden', error: new UserDisabledError() },
      { status: 404, description: 'Not Found', error: new UserNotFoundError() },
      { status: 500, description: 'Internal Server Error', error: new Error('unexpected') },
    ],
  })
  async logout(
    @CurrentSession() session: AuthenticatedSession,
    @JsonBody({ dto: V3LogoutBody }) body: V3LogoutBody,
    @Req() request: object,
  ): Promise<void> {
    await this.sessions.forRequest(request).signOut(session, { pushToken: body.device_token });
  }
}
