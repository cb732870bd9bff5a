import { Controller, Delete, Get, Header, HttpCode, Param, Req } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { RevokeReason, UNSTORABLE_TEXT, unstorableTextMessage } from '../../auth.constants.js';
import { AdminRequiredError, RequestValidationError, UnknownSessionError } from '../../errors/auth.errors.js';
import { CurrentSession } from '../../guard/current-session.decorator.js';
import { AuthRoute } from '../../http/auth-route.decorator.js';
import { ApiAuthRoute, type DocumentedAnswer } from '../../http/openapi.js';
import { GENERIC_SCHEMA } from '../../http/openapi-schemas.js';
import { SESSION_LIST_EXAMPLE } from '../responses/response-examples.js';
import { RevokedSessionsResponse, SessionListResponse as SessionListSchema } from '../responses/session-responses.js';
import { SessionService } from '../../sessions/session.service.js';
import type { AuthenticatedSession } from '../../sessions/session.types.js';
import type { SessionListResponse } from '../sessions/session-list.controllers.js';

export interface AdminRevokeResponse {
  message: string;
  /** How many sessions this request ended. */
  revokedSessions: number;
}

/** A user id PostgreSQL text cannot hold names no user: the caller's mistake (422), before any statement. */
function storableUserId(userId: string): string {
  if (UNSTORABLE_TEXT.test(userId)) throw new RequestValidationError('userId', unstorableTextMessage('userId'));
  return userId;
}

const USER_ID = { name: 'userId', description: "The host's user id" };
const FORBIDDEN: DocumentedAnswer = {
  status: 403,
  description: "The host's admin guard refused the caller, or the caller's account is disabled",
  error: new AdminRequiredError(),
};
const INVALID_USER_ID: DocumentedAnswer = {
  status: 422,
  description: 'A user id with a NUL or a lone surrogate',
  error: new RequestValidationError('userId', unstorableTextMessage('userId')),
};
/** What every admin route's operation says besides its own answers. */
const ADMIN_ROUTE = { guarded: true, errorSchema: GENERIC_SCHEMA, raises: ['admin_required'] } as const;

/**
 * `GET /auth/admin/users/:userId/sessions`: any user's live sessions, for a caller the host's admin guard lets
 * through. Same items as `GET /auth/sessions` (`current` marks the caller's own). Errors in the generic body.
 */
@Controller()
@AuthRoute({ admin: true })
@ApiTags('admin')
export class AdminSessionListController {
  constructor(private readonly sessions: SessionService) {}

  @Get(':userId/sessions')
  @Header('Cache-Control', 'no-store')
  @ApiParam(USER_ID)
  @ApiAuthRoute({
    ...ADMIN_ROUTE,
    operationId: 'adminListUserSessions',
    summary: "List a user's active sessions (administrators)",
    answers: [
      { status: 200, description: 'The live sessions', body: SESSION_LIST_EXAMPLE, schema: SessionListSchema },
      FORBIDDEN,
      INVALID_USER_ID,
    ],
  })
  async list(
    @CurrentSession() session: AuthenticatedSession,
    @Param('userId') userId: string,
    @Req() request: object,
  ): Promise<SessionListResponse> {
    const sessions = await this.sessions.forRequest(request).listSessions(storableUserId(userId), session.sessionId);
    return { sessions };
  }
}

/**
 * `DELETE /auth/admin/users/:userId/sessions/:sessionId`: ends one live session of the user (reason `admin`).
 * Another user's session, an ended one, or no such id: 404, as `DELETE /auth/sessions/:id`.
 */
@Controller()
@AuthRoute({ admin: true })
@ApiTags('admin')
export class AdminSessionRevokeController {
  constructor(private readonly sessions: SessionService) {}

  @Delete(':userId/sessions/:sessionId')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiParam(USER_ID)
  @ApiParam({ name: 'sessionId', description: 'A session id from GET /auth/admin/users/{userId}/sessions' })
  @ApiAuthRoute({
    ...ADMIN_ROUTE,
    operationId: 'adminRevokeUserSession',
    summary: "End one of a user's sessions (administrators)",
    answers: [
      {
        status: 200,
        description: 'The session ended',
        body: { message: 'Session revoked', revokedSessions: 1 },
        schema: RevokedSessionsResponse,
      },
      FORBIDDEN,
      { status: 404, description: 'Not a live session of this user', error: new UnknownSessionError() },
      INVALID_USER_ID,
    ],
  })
  async revoke(
    @Param('userId') userId: string,
    @Param('sessionId') sessionId: string,
    @Req() request: object,
  ): Promise<AdminRevokeResponse> {
    const revoked = await this.sessions
      .forRequest(request)
      .revokeSession(sessionId, { userId: storableUserId(userId), reason: RevokeReason.admin });
    if (!revoked) throw new UnknownSessionError();
    return { message: 'Session revoked', revokedSessions: 1 };
  }
}

/**
 * `DELETE /auth/admin/users/:userId/sessions`: ends every live session of the user in one statement (reason
 * `admin`), and signs out its devices, as logout everywhere does. A user with none: 200 with 0.
 */
@Controller()
@AuthRoute({ admin: true })
@ApiTags('admin')
export class AdminSessionsRevokeController {
  constructor(private readonly sessions: SessionService) {}

  @Delete(':userId/sessions')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiParam(USER_ID)
  @ApiAuthRoute({
    ...ADMIN_ROUTE,
    operationId: 'adminRevokeUserSessions',
    summary: 'End every session of a user (administrators)',
    answers: [
      {
        status: 200,
        description: "Every live session of the user ended, and the user's devices are signed out",
        body: { message: 'Sessions revoked', revokedSessions: 3 },
        schema: RevokedSessionsResponse,
      },
      FORBIDDEN,
      INVALID_USER_ID,
    ],
  })
  async revokeAll(@Param('userId') userId: string, @Req() request: object): Promise<AdminRevokeResponse> {
    const revoked = await this.sessions
      .forRequest(request)
      .revokeUserSessions(storableUserId(userId), RevokeReason.admin);
    return { message: 'Sessions revoked', revokedSessions: revoked.length };
  }
}
