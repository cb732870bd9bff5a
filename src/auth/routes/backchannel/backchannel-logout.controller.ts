import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import {
  DatabaseUnavailableError,
  PayloadTooLargeError,
  RequestValidationError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
} from '../../errors/auth.errors.js';
import { AuthRoute } from '../../http/auth-route.decorator.js';
import { type FormRequest, formBodyOf, formParameter } from '../../http/form-parameters.js';
import { ApiAuthRoute } from '../../http/openapi.js';
import { OAUTH_ERROR_SCHEMA } from '../../http/openapi-schemas.js';
import { SessionService } from '../../sessions/session.service.js';
import { LogoutTokenVerifier } from '../../tokens/logout-token-verification.js';

const FORM = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

const REQUEST_SCHEMA = {
  type: 'object',
  required: ['logout_token'],
  properties: { logout_token: { type: 'string', description: "The provider's signed logout token (a JWT)." } },
};

/**
 * `POST /auth/backchannel-logout`: OpenID Connect Back-Channel Logout 1.0. A configured provider's logout token ends
 * the sessions opened through it that the token names (`backchannel_logout`), on every instance. Section 2.8: 200
 * when the logout succeeded, also when no session matched; 400 `invalid_request` for a token that does not verify or
 * was taken before; `Cache-Control: no-store` on every answer.
 */
@Controller()
@AuthRoute({ authenticated: false })
@ApiTags('session')
export class BackchannelLogoutController {
  constructor(
    private readonly sessions: SessionService,
    private readonly verifier: LogoutTokenVerifier,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: REQUEST_SCHEMA })
  @ApiAuthRoute({
    operationId: 'backchannelLogout',
    summary: 'End the sessions an identity provider signed out (OpenID Connect Back-Channel Logout)',
    guarded: false,
    errorSchema: OAUTH_ERROR_SCHEMA,
    raises: ['request_validation'],
    answers: [
      { status: 200, description: 'The sessions the token names ended, or there were none: empty body' },
      {
        status: 400,
        description: 'No `logout_token`, or one that does not verify or was taken before',
        error: new RequestValidationError('logout_token', 'logout_token is required'),
      },
      { status: 413, description: 'The body is too large', error: new PayloadTooLargeError() },
      { status: 415, description: 'Not a form', error: new UnsupportedMediaTypeError() },
      { status: 429, description: 'Too many requests from this client', error: new TooManyRequestsError() },
      {
        status: 503,
        description: 'The database is unreachable: try again later',
        error: new DatabaseUnavailableError(),
      },
    ],
  })
  async logout(@Req() request: FormRequest): Promise<void> {
    const body = formBodyOf(request, FORM, 'application/x-www-form-urlencoded');
    const token = formParameter(body, 'logout_token');
    if (token === undefined) throw new RequestValidationError('logout_token', 'logout_token is required');
    const logout = await this.verifier.verify(token);
    const ended = await this.sessions.forRequest(request).endIdentityProviderSessions(logout);
    if (ended === null) throw new RequestValidationError('logout_token', 'logout_token was used before');
  }
}
