import { Controller, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthCookieService } from '../../http/auth-cookie.service.js';
import { AuthRoute } from '../../http/auth-route.decorator.js';
import { JsonBody } from '../../http/json-body.decorator.js';
import { SessionService } from '../../sessions/session.service.js';
import { RefreshBody } from './refresh.dto.js';

/** `POST /auth/refresh`: a refresh token for a new access and refresh token pair. Errors in the generic body. */
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
  @ApiResponse({ status: 200, description: '{accessToken, refreshToken, tokenType, expiresIn, sessionId}' })
  @ApiResponse({
    status: 401,
    description: 'Unknown, already used, or of an ended session; a reused token ends its session',
  })
  async refresh(
    @JsonBody({ dto: RefreshBody, forbidUnknownFields: true }) body: RefreshBody,
    @Res({ passthrough: true }) response: unknown,
    @Req() request: object,
  ) {
    const session = await this.sessions.forRequest(request).refreshSession(body.refreshToken);
    this.cookies.setAccessToken(response, session);
    return {
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      tokenType: 'Bearer',
      expiresIn: session.expiresIn,
      sessionId: session.sessionId,
    };
  }
}
