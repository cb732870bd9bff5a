import { Controller, HttpCode, Post, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { ClearAuthCookieInterceptor } from '../cookies/auth-cookie.service.js';
import { CurrentSession } from '../current-session.decorator.js';
import { JwtGuard } from '../jwt.guard.js';
import { AuthRateLimitGuard } from '../rate-limit.guard.js';
import { JsonBody } from '../routes/json-body.decorator.js';
import { ApiLogoutRoute, FIB_SCHEMA } from '../routes/openapi.js';
import { SessionService } from '../session.service.js';
import type { AuthenticatedSession } from '../session.types.js';
import { AllowRawAuthorization } from '../token-extraction.js';
import { FibLogoutExceptionFilter } from './fib-exception.filter.js';
import { fibEnvelope, type FibEnvelope } from './fib-error.mapper.js';

/** `POST /auth/api/v1/authentication-management/logout` of fib-authentication-management-logout.md. */
@Controller()
@UseGuards(AuthRateLimitGuard, JwtGuard)
@UseFilters(FibLogoutExceptionFilter)
@UseInterceptors(ClearAuthCookieInterceptor)
@AllowRawAuthorization()
export class FibLogoutController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @HttpCode(200)
  @ApiLogoutRoute('Logging a user out of the system', FIB_SCHEMA, [
    {
      status: 200,
      description: 'User has been successfully logged out.',
      example: fibEnvelope(200, 'OK', 'User has been successfully logged out.'),
    },
    {
      status: 401,
      description:
        'Either user signature or `refreshToken` are not valid, or the `accessToken` bearer token could not be parsed from the `Authorization` header.',
      example: fibEnvelope(401, 'UNAUTHORIZED', 'The access token is missing, invalid, expired or revoked.'),
    },
    {
      status: 404,
      description: 'User has not been found.',
      example: fibEnvelope(404, 'NOT_FOUND', 'User has not been found.'),
    },
    {
      status: 422,
      description: 'User signature either could not be decoded or verified, or the `publicKey` string is not valid.',
      example: fibEnvelope(422, 'UNPROCESSABLE_ENTITY', 'The access token signature could not be verified.'),
    },
    {
      status: 500,
      description: 'Internal server error.',
      example: fibEnvelope(500, 'INTERNAL_SERVER_ERROR', 'Internal server error.'),
    },
  ])
  async logout(@CurrentSession() session: AuthenticatedSession, @JsonBody() _body: object): Promise<FibEnvelope> {
    await this.sessions.logout(session);
    return fibEnvelope(200, 'OK', 'User has been successfully logged out.');
  }
}
