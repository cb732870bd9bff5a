import { Controller, HttpCode, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  MissingTokenError,
  RequestValidationError,
  SessionConflictError,
  SessionNotFoundError,
  UserDisabledError,
  MalformedRequestError,
} from '../../../errors/auth.errors.js';
import { CurrentSession } from '../../../guard/current-session.decorator.js';
import { ClearAuthCookieInterceptor } from '../../../http/auth-cookie.service.js';
import { ProviderLogoutInterceptor } from '../../../http/provider-logout.interceptor.js';
import { AuthRoute } from '../../../http/auth-route.decorator.js';
import { JsonBody } from '../../../http/json-body.decorator.js';
import { ApiAuthRoute } from '../../../http/openapi.js';
import { GENERIC_SCHEMA } from '../../../http/openapi-schemas.js';
import { SessionService } from '../../../sessions/session.service.js';
import type { AuthenticatedSession } from '../../../sessions/session.types.js';

const LOGGED_OUT = { message: 'Logged out successfully' };
const MESSAGE_SCHEMA = { type: 'object', required: ['message'], properties: { message: { type: 'string' } } };

/** `POST /auth/logout` of auth-logout.generic.txt. Takes no body fields: any field is a 422. */
@Controller()
@AuthRoute()
@UseInterceptors(ClearAuthCookieInterceptor, ProviderLogoutInterceptor)
@ApiTags('logout')
export class GenericLogoutController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @HttpCode(200)
  @ApiAuthRoute({
    operationId: 'logout',
    summary: 'Logout from the system',
    guarded: true,
    errorSchema: GENERIC_SCHEMA,
    raises: ['session_conflict', 'request_validation'],
    answers: [
      { status: 200, description: 'Logout successful', body: LOGGED_OUT, schema: MESSAGE_SCHEMA },
      { status: 400, description: 'Bad Request - Invalid input data', error: new MalformedRequestError() },
      {
        status: 401,
        description: 'Unauthorized - Invalid or missing authentication token',
        error: new MissingTokenError(),
      },
      { status: 403, description: 'Forbidden - Insufficient permissions', error: new UserDisabledError() },
      { status: 404, description: 'Not Found - Resource not found', error: new SessionNotFoundError() },
      {
        status: 409,
        description: 'Conflict - Resource already exists or state conflict',
        error: new SessionConflictError(),
      },
      {
        status: 422,
        description: 'Unprocessable Entity - Validation error',
        error: new RequestValidationError('field', 'property field should not exist'),
      },
    ],
  })
  async logout(
    @CurrentSession() session: AuthenticatedSession,
    @JsonBody({ forbidUnknownFields: true }) _body: object,
    @Req() request: object,
  ): Promise<{ message: string }> {
    await this.sessions.forRequest(request).signOut(session);
    return LOGGED_OUT;
  }
}
