import { Controller, Delete, Get, Header, HttpCode, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RevokeReason, UNSTORABLE_TEXT, unstorableTextMessage } from '../../auth.constants.js';
import { RequestValidationError, UnknownSessionError } from '../../errors/auth.errors.js';
import { CurrentSession } from '../../guard/current-session.decorator.js';
import { AuthRoute } from '../../http/auth-route.decorator.js';
import { AUTH_SECURITY_SCHEME } from '../../http/openapi.js';
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
const FORBIDDEN = { status: 403, description: "The host's admin guard refused the caller" };
const INVALID_USER_ID = { status: 422, description: 'A user id with a NUL or a lone surrogate' };

/**
 * `GET /auth/admin/users/:userId/sessions`: any user's live sessions, for a caller the host's admin guard lets
 * through. Same items as `GET /auth/sessions` (`current` marks the caller's own). Errors in the generic body.
 */
@Controller()
@AuthRoute({ admin: true })
@ApiTags('admin')
@ApiBearerAuth(AUTH_SECURITY_SCHEME)
export class AdminSessionListController {
  constructor(private readonly sessions: SessionService) {}

  @Get(':userId/sessions')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "List a user's active sessions (administrators)" })
  @ApiParam(USER_ID)
  @ApiResponse({
    status: 200,
    description: '{"sessions": [{id, current, deviceId, deviceName, ip, userAgent, createdAt, lastUsedAt, expiresAt}]}',
  })
  @ApiResponse(FORBIDDEN)
  @ApiResponse(INVALID_USER_ID)
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
@ApiBearerAuth(AUTH_SECURITY_SCHEME)
export class AdminSessionRevokeController {
  constructor(private readonly sessions: SessionService) {}

  @Delete(':userId/sessions/:sessionId')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "End one of a user's sessions (administrators)" })
  @ApiParam(USER_ID)
  @ApiParam({ name: 'sessionId', description: 'A session id from GET /auth/admin/users/{userId}/sessions' })
  @ApiResponse({ status: 200, description: '{"message": "Session revoked", "revokedSessions": 1}' })
  @ApiResponse(FORBIDDEN)
  @ApiResponse({ status: 404, description: 'Not a live session of this user' })
  @ApiResponse(INVALID_USER_ID)
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
@ApiBearerAuth(AUTH_SECURITY_SCHEME)
export class AdminSessionsRevokeController {
  constructor(private readonly sessions: SessionService) {}

  @Delete(':userId/sessions')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'End every session of a user (administrators)' })
  @ApiParam(USER_ID)
  @ApiResponse({ status: 200, description: '{"message": "Sessions revoked", "revokedSessions": n}' })
  @ApiResponse(FORBIDDEN)
  @ApiResponse(INVALID_USER_ID)
  async revokeAll(@Param('userId') userId: string, @Req() request: object): Promise<AdminRevokeResponse> {
    const revoked = await this.sessions
      .forRequest(request)
      .revokeUserSessions(storableUserId(userId), RevokeReason.admin);
    return { message: 'Sessions revoked', revokedSessions: revoked.length };
  }
}
