import { Controller, Delete, Get, Header, HttpCode, Param, Req, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentSession } from '../../guard/current-session.decorator.js';
import { UnknownSessionError } from '../../errors/auth.errors.js';
import { ClearAuthCookieInterceptor } from '../../http/auth-cookie.service.js';
import { AuthRoute } from '../../http/auth-route.decorator.js';
import { AUTH_SECURITY_SCHEME } from '../../http/openapi.js';
import { SessionService } from '../../sessions/session.service.js';
import type { AuthenticatedSession, SessionSummary } from '../../sessions/session.types.js';

export interface SessionListResponse {
  sessions: SessionSummary[];
}

/** `GET /auth/sessions`: the user's live sessions, the caller's marked `current`. Errors in the generic body. */
@Controller()
@AuthRoute()
@ApiTags('session')
@ApiBearerAuth(AUTH_SECURITY_SCHEME)
export class SessionListController {
  constructor(private readonly sessions: SessionService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "List the user's active sessions" })
  @ApiResponse({
    status: 200,
    description: '{"sessions": [{id, current, deviceId, deviceName, ip, userAgent, createdAt, lastUsedAt, expiresAt}]}',
  })
  async list(@CurrentSession() session: AuthenticatedSession, @Req() request: object): Promise<SessionListResponse> {
    return { sessions: await this.sessions.forRequest(request).listSessions(session.userId, session.sessionId) };
  }
}

/**
 * `DELETE /auth/sessions/:id`: ends one of the user's own sessions (the
 * caller's included). Another user's session, an ended one, or no such id: 404.
 * Ending the caller's own session clears the cookies of cookie mode, as a logout does.
 */
@Controller()
@AuthRoute()
@UseInterceptors(ClearAuthCookieInterceptor)
@ApiTags('session')
@ApiBearerAuth(AUTH_SECURITY_SCHEME)
export class SessionRevokeController {
  constructor(private readonly sessions: SessionService) {}

  @Delete(':id')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "End one of the user's sessions" })
  @ApiParam({ name: 'id', description: 'A session id from GET /auth/sessions' })
  @ApiResponse({ status: 200, description: '{"message": "Session revoked", "revokedSessions": 1}' })
  @ApiResponse({ status: 404, description: 'Not a live session of this user' })
  async revoke(
    @CurrentSession() session: AuthenticatedSession,
    @Param('id') id: string,
    @Req() request: object,
  ): Promise<{ message: string; revokedSessions: number }> {
    if (!(await this.sessions.forRequest(request).revokeSession(id, { userId: session.userId })))
      throw new UnknownSessionError();
    return { message: 'Session revoked', revokedSessions: 1 };
  }
}
