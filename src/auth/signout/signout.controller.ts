import { Controller, Headers, HttpCode, Post, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ClearAuthCookieInterceptor } from '../cookies/auth-cookie.service.js';
import { CurrentSession } from '../current-session.decorator.js';
import { JwtGuard } from '../jwt.guard.js';
import { AuthRateLimitGuard } from '../rate-limit.guard.js';
import { JsonBody } from '../routes/json-body.decorator.js';
import { ApiLogoutRoute, SIGNOUT_ERROR_SCHEMA } from '../routes/openapi.js';
import { SessionService } from '../session.service.js';
import type { AuthenticatedSession } from '../session.types.js';
import { SignoutExceptionFilter } from './signout-exception.filter.js';

const deviceDescription = 'This header is used for device identification during the sign-out process.';

/**
 * `POST /signout` of signout.crypterium.md. `X-DeviceId` (the cURL sample's
 * name) or `X-DeviceIdD` (the schema's) naming a device of the user signs that
 * device out too; empty or absent, only this session ends.
 */
@Controller()
@UseGuards(AuthRateLimitGuard, JwtGuard)
@UseFilters(SignoutExceptionFilter)
@UseInterceptors(ClearAuthCookieInterceptor)
export class SignoutController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @HttpCode(200)
  @ApiHeader({ name: 'X-DeviceId', required: false, description: deviceDescription })
  @ApiHeader({
    name: 'X-DeviceIdD',
    required: false,
    description: `${deviceDescription} (the spelling of the spec's schema)`,
  })
  @ApiLogoutRoute('SignOut', SIGNOUT_ERROR_SCHEMA, [
    { status: 200, description: 'The response indicates a successful sign-out operation.', example: { result: 'ok' } },
    {
      status: 400,
      description: "Client error: a device that is not the user's, or a body that is not JSON.",
      example: {
        error: 'DEVICE_NOT_FOUND',
        errorId: 4,
        message: 'Device not found',
        systemId: 'core',
        field: 'X-DeviceId',
      },
    },
    {
      status: 401,
      description: 'Missing, invalid, expired or revoked access token.',
      example: {
        error: 'UNAUTHORIZED',
        errorId: 1,
        message: 'Invalid, expired or missing access token',
        systemId: 'core',
      },
    },
    {
      status: 403,
      description: 'The account is disabled.',
      example: { error: 'ACCOUNT_DISABLED', errorId: 2, message: 'Account is disabled', systemId: 'core' },
    },
    {
      status: 404,
      description: "The token's user no longer exists.",
      example: { error: 'USER_NOT_FOUND', errorId: 3, message: 'User not found', systemId: 'core' },
    },
    {
      status: 500,
      description: 'Unexpected error.',
      example: {
        error: 'COMMON',
        errorId: 0,
        message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
        systemId: 'core',
      },
    },
  ])
  async signOut(
    @CurrentSession() session: AuthenticatedSession,
    @Headers('x-deviceid') deviceId: string | undefined,
    @Headers('x-deviceidd') deviceIdD: string | undefined,
    @JsonBody() _body: object,
  ): Promise<{ result: 'ok' }> {
    const device = deviceId?.trim() || deviceIdD?.trim() || undefined;
    await this.sessions.logout(session, { deviceId: device });
    return { result: 'ok' };
  }
}
