import { Controller, HttpCode, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { MissingTokenError, TokenSignatureError, UserNotFoundError } from '../../../errors/auth.errors.js';
import { AllowRawAuthorization } from '../../../guard/allow-raw-authorization.decorator.js';
import { CurrentSession } from '../../../guard/current-session.decorator.js';
import { ClearAuthCookieInterceptor } from '../../../http/auth-cookie.service.js';
import { ProviderLogoutInterceptor } from '../../../http/provider-logout.interceptor.js';
import { AuthRoute } from '../../../http/auth-route.decorator.js';
import { JsonBody } from '../../../http/json-body.decorator.js';
import { ApiAuthRoute } from '../../../http/openapi.js';
import { FIB_SCHEMA } from '../../../http/openapi-schemas.js';
import { SessionService } from '../../../sessions/session.service.js';
import type { AuthenticatedSession } from '../../../sessions/session.types.js';
import { fibEnvelope, type FibEnvelope } from './fib-error.mapper.js';

const LOGGED_OUT = fibEnvelope(200, 'OK', 'User has been successfully logged out.');

/** `POST /auth/api/v1/authentication-management/logout` of fib-authentication-management-logout.md. */
@Controller()
@AuthRoute()
@UseInterceptors(ClearAuthCookieInterceptor, ProviderLogoutInterceptor)
@AllowRawAuthorization()
@ApiTags('logout')
export class FibLogoutController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @HttpCode(200)
  @ApiAuthRoute({
    operationId: 'fibLogout',
    summary: 'Logging a user out of the system',
    guarded: true,
    errorSchema: FIB_SCHEMA,
    answers: [
      { status: 200, description: 'User has been successfully logged out.', body: LOGGED_OUT, schema: FIB_SCHEMA },
      {
        status: 401,
        description:
          'Either user signature or `refreshToken` are not valid, or the `accessToken` bearer token could not be ' +
          'parsed from the `Authorization` header.',
        error: new MissingTokenError(),
      },
      { status: 404, description: 'User has not been found.', error: new UserNotFoundError() },
      {
        status: 422,
        description: 'User signature either could not be decoded or verified, or the `publicKey` string is not valid.',
        error: new TokenSignatureError(),
      },
      { status: 500, description: 'Internal server error.', error: new Error('unexpected') },
    ],
  })
  async logout(
    @CurrentSession() session: AuthenticatedSession,
    @JsonBody() _body: object,
    @Req() request: object,
  ): Promise<FibEnvelope> {
    await this.sessions.forRequest(request).signOut(session);
    return LOGGED_OUT;
  }
}
