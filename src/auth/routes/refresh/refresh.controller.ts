import { Controller, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { AuthCookieService } from '../../http/auth-cookie.service.js';
import { InvalidRefreshTokenError, RequestValidationError } from '../../errors/auth.errors.js';
import { AuthRoute } from '../../http/auth-route.decorator.js';
import { JsonBody } from '../../http/json-body.decorator.js';
import { ApiAuthRoute } from '../../http/openapi.js';
import { GENERIC_SCHEMA } from '../../http/openapi-schemas.js';
import { IssuedTokensResponse } from '../responses/session-responses.js';
import { ISSUED_TOKENS_EXAMPLE } from '../responses/response-examples.js';
import { SessionService } from '../../sessions/session.service.js';
import { RefreshBody } from './refresh.dto.js';

/**
 * `POST /auth/refresh`: a refresh token for a new access and refresh token pair. Errors in the generic body. In cookie
 * mode the token may come in the refresh cookie (a body without `refreshToken`, or none), and the new pair goes back
 * in the cookies (AuthCookieService.issueTokens).
 */
@Controller()
@AuthRoute({ authenticated: false })
@ApiTags('session')
export class RefreshController {
  constructor(
    private readonly sessions: SessionService,
    private readonly cookies: AuthCookieService,
  ) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiBody({ type: RefreshBody, required: false })
  @ApiAuthRoute({
    operationId: 'refreshTokens',
    summary: 'Trade a refresh token for a new token pair (the old refresh token stops working)',
    guarded: false,
    errorSchema: GENERIC_SCHEMA,
    // A refresh cookie from a page of another origin (403), the session's user disabled (403) or gone (404).
    raises: ['cross_origin_request', 'user_disabled', 'user_not_found', 'request_validation'],
    answers: [
      {
        status: 200,
        description: 'A new token pair; in cookie mode the tokens are in the cookies, not the body',
        body: ISSUED_TOKENS_EXAMPLE,
        schema: IssuedTokensResponse,
      },
      {
        status: 401,
        description: 'Unknown, already used, or of an ended session; a reused token ends its session',
        error: new InvalidRefreshTokenError(),
      },
      {
        status: 422,
        description: 'No refresh token (in the body or the cookie), or not a string',
        error: new RequestValidationError('refreshToken', 'refreshToken must be a string'),
      },
    ],
  })
  async refresh(
    @JsonBody({ dto: RefreshBody, forbidUnknownFields: true }) body: RefreshBody,
    @Req() request: { headers: Record<string, unknown> },
    @Res({ passthrough: true }) response: unknown,
  ) {
    const refreshToken = body.refreshToken ?? this.cookies.refreshTokenOf(request);
    if (refreshToken === null) throw new RequestValidationError('refreshToken', 'refreshToken must be a string');
    const session = await this.sessions.forRequest(request).refreshSession(refreshToken);
    return this.cookies.issueTokens(response, session);
  }
}
