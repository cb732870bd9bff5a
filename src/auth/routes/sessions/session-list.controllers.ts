import { Controller, Delete, Get, Header, HttpCode, Param, Req, UseInterceptors } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentSession } from '../../guard/current-session.decorator.js';
import { UnknownSessionError } from '../../errors/auth.errors.js';
import { ClearAuthCookieInterceptor } from '../../http/auth-cookie.service.js';
import { AuthRoute } from '../../http/auth-route.decorator.js';
import { ApiAuthRoute } from '../../http/openapi.js';
import { GENERIC_SCHEMA } from '../../http/openapi-schemas.js';
import { SESSION_LIST_EXAMPLE } from '../responses/response-examples.js';
import { RevokedSessionsResponse, SessionListResponse as SessionListSchema } from '../responses/session-responses.js';
import { SessionService } from '../../sessions/session.service.js';
import type { AuthenticatedSession, SessionSummary } from '../../sessions/session.types.js';

export interface SessionListResponse {
  sessions: SessionSummary[];
}

/** `GET /auth/sessions`: the user's live sessions, the caller's marked `current`. Errors in the generic body. */
@Controller()
@AuthRoute()
@ApiTags('session')
export class SessionListController {
  constructor(private readonly sessions: SessionService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiAuthRoute({
    operationId: 'listSessions',
    summary: "List the user's active sessions",
    guarded: true,
    errorSchema: GENERIC_SCHEMA,
    answers: [{ status: 200, description: 'The live sessions', body: SESSION_LIST_EXAMPLE, schema: SessionListSchema }],
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
export class SessionRevokeController {
  constructor(private readonly sessions: SessionService) {}

  @Delete(':id')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiParam({ name: 'id', description: 'A session id from GET /auth/sessions' })
  @ApiAuthRoute({
    operationId: 'revokeSession',
    summary: "End one of the user's sessions",
    guarded: true,
    errorSchema: GENERIC_SCHEMA,
    answers: [
      {
        status: 200,
        description: 'The session ended',
        body: { message: 'Session revoked', revokedSessions: 1 },
        schema: RevokedSessionsResponse,
      },
      { status: 404, description: 'Not a live session of this user', error: new UnknownSessionError() },
    ],
  })
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
