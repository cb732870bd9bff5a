import { Controller, HttpCode, Post, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { ClearAuthCookieInterceptor } from '../cookies/auth-cookie.service.js';
import { CurrentSession } from '../current-session.decorator.js';
import { JwtGuard } from '../jwt.guard.js';
import { AuthRateLimitGuard } from '../rate-limit.guard.js';
import { JsonBody } from '../routes/json-body.decorator.js';
import { ApiLogoutRoute, GENERIC_SCHEMA } from '../routes/openapi.js';
import { SessionService } from '../session.service.js';
import type { AuthenticatedSession } from '../session.types.js';
import { GenericLogoutExceptionFilter } from './generic-exception.filter.js';

const example = (message: string, description: string, code: string) => ({ message, description, code });

/** `POST /auth/logout` of auth-logout.generic.txt. Takes no body fields: any field is a 422. */
@Controller()
@UseGuards(AuthRateLimitGuard, JwtGuard)
@UseFilters(GenericLogoutExceptionFilter)
@UseInterceptors(ClearAuthCookieInterceptor)
export class GenericLogoutController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @HttpCode(200)
  @ApiLogoutRoute('Logout from the system', GENERIC_SCHEMA, [
    { status: 200, description: 'Logout successful', example: { message: 'Logged out successfully' } },
    {
      status: 400,
      description: 'Bad Request - Invalid input data',
      example: example('Invalid input data', 'The request data did not pass validation', 'INVALID_INPUT'),
    },
    {
      status: 401,
      description: 'Unauthorized - Invalid or missing authentication token',
      example: example('Unauthorized', 'Invalid, expired or missing bearer token', 'UNAUTHORIZED'),
    },
    {
      status: 403,
      description: 'Forbidden - Insufficient permissions',
      example: example('Forbidden', "You don't have permission to access this resource", 'FORBIDDEN'),
    },
    {
      status: 404,
      description: 'Not Found - Resource not found',
      example: example('Resource not found', 'The requested resource could not be found', 'NOT_FOUND'),
    },
    {
      status: 409,
      description: 'Conflict - Resource already exists or state conflict',
      example: example('Resource conflict', 'The resource already exists or is in an invalid state', 'CONFLICT'),
    },
    {
      status: 422,
      description: 'Unprocessable Entity - Validation error',
      example: example('Validation error', 'The request data failed validation rules', 'VALIDATION_ERROR'),
    },
  ])
  async logout(
    @CurrentSession() session: AuthenticatedSession,
    @JsonBody({ forbidUnknownFields: true }) _body: object,
  ): Promise<{ message: string }> {
    await this.sessions.logout(session);
    return { message: 'Logged out successfully' };
  }
}
