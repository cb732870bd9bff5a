import { Controller, Header, HttpCode, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RevokeReason } from '../../auth.constants.js';
import { ClearAuthCookieInterceptor } from '../../http/auth-cookie.service.js';
import { ProviderLogoutInterceptor } from '../../http/provider-logout.interceptor.js';
import { CurrentSession } from '../../guard/current-session.decorator.js';
import { AuthRoute } from '../../http/auth-route.decorator.js';
import { JsonBody } from '../../http/json-body.decorator.js';
import { ApiAuthRoute } from '../../http/openapi.js';
import { GENERIC_SCHEMA } from '../../http/openapi-schemas.js';
import { RevokedSessionsResponse } from '../responses/session-responses.js';
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
export class LogoutAllController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiAuthRoute({
    operationId: 'logoutAllSessions',
    summary: 'Log out of every session of the user, this one included',
    guarded: true,
    errorSchema: GENERIC_SCHEMA,
    raises: ['request_validation'],
    answers: [
      {
        status: 200,
        description: 'Every session of the user ended',
        body: { message: 'Logged out of all sessions', revokedSessions: 2 },
        schema: RevokedSessionsResponse,
      },
    ],
  })
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
export class LogoutOthersController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiAuthRoute({
    operationId: 'logoutOtherSessions',
    summary: 'Log out of every other session of the user',
    guarded: true,
    errorSchema: GENERIC_SCHEMA,
    raises: ['request_validation'],
    answers: [
      {
        status: 200,
        description: 'Every other session of the user ended; this one stays',
        body: { message: 'Logged out of all other sessions', revokedSessions: 1 },
        schema: RevokedSessionsResponse,
      },
    ],
  })
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
