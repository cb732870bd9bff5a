import { Controller, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthCookieService } from '../../http/auth-cookie.service.js';
import { RequestValidationError } from '../../errors/auth.errors.js';
import { AuthRoute } from '../../http/auth-route.decorator.js';
import { JsonBody } from '../../http/json-body.decorator.js';
import { SessionService } from '../../sessions/session.service.js';
import { RefreshBody } from './refresh.dto.js';

/**
 * `POST /auth/refresh`: a refresh token for a new access and refresh token pair. Errors in the generic body. In cookie
 * mode the token may come in the refresh cookie (a body without `refreshToken`, or none), and the new pair goes back
 * in the cookies (AuthCookieService.issueTokens).
 */
@Controller()
@AuthRoute({ authenticated: false })
export class RefreshController {
  constructor(
    private readonly sessions: SessionService,
    private readonly cookies: AuthCookieService,
  ) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiTags('session')
  @ApiOperation({ summary: 'Trade a refresh token for a new token pair (the old refresh token stops working)' })
  @ApiBody({ type: RefreshBody })
  @ApiResponse({
    status: 200,
    description: '{accessToken, refreshToken, tokenType, expiresIn, sessionId}; in cookie mode without the tokens',
  })
  @ApiResponse({
    status: 401,
    description: 'Unknown, already used, or of an ended session; a reused token ends its session',
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
