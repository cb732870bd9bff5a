import { Controller, Header, HttpCode, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RevokeReason } from '../../auth.constants.js';
import { ClearAuthCookieInterceptor } from '../../http/auth-cookie.service.js';
import { ProviderLogoutInterceptor } from '../../http/provider-logout.interceptor.js';
import { CurrentSession } from '../../guard/current-session.decorator.js';
import { AuthRoute } from '../../http/auth-route.decorator.js';
import { JsonBody } from '../../http/json-body.decorator.js';
import { AUTH_SECURITY_SCHEME } from '../../http/openapi.js';
import { SessionService } from '../../sessions/session.service.js';
import type { AuthenticatedSession } from '../../sessions/session.types.js';

export interface LogoutScopeResponse {
  message: string;
  /** How many sessions this request ended. */
  revokedSessions: number;
}

/** `POST /auth/logout/all`: every session of the user ends, this one included. Errors in the generic body. */
@Controller()
@AuthRoute()
@UseInterceptors(ClearAuthCookieInterceptor, ProviderLogoutInterceptor)
@ApiTags('session')
@ApiBearerAuth(AUTH_SECURITY_SCHEME)
export class LogoutAllController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Log out of every session of the user, this one included' })
  @ApiResponse({ status: 200, description: '{"message", "revokedSessions"}' })
  async logoutAll(
    @CurrentSession() session: AuthenticatedSession,
    @JsonBody({ forbidUnknownFields: true }) _body: object,
    @Req() request: object,
  ): Promise<LogoutScopeResponse> {
    const revoked = await this.sessions.forRequest(request).revokeUserSessions(session.userId, RevokeReason.logoutAll);
    return { message: 'Logged out of all sessions', revokedSessions: revoked.length };
  }
}

/** `POST /auth/logout/others`: every other session of the user ends; this one stays. */
@Controller()
@AuthRoute()
@ApiTags('session')
@ApiBearerAuth(AUTH_SECURITY_SCHEME)
export class LogoutOthersController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Log out of every other session of the user' })
  @ApiResponse({ status: 200, description: '{"message", "revokedSessions"}' })
  async logoutOthers(
    @CurrentSession() session: AuthenticatedSession,
    @JsonBody({ forbidUnknownFields: true }) _body: object,
    @Req() request: object,
  ): Promise<LogoutScopeResponse> {
    const revoked = await this.sessions
      .forRequest(request)
      .revokeUserSessions(session.userId, RevokeReason.logoutOthers, {
        except: session.sessionId,
      });
    return { message: 'Logged out of all other sessions', revokedSessions: revoked.length };
  }
}
