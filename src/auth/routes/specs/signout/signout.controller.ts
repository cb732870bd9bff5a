import { Controller, Headers, HttpCode, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import {
  MissingTokenError,
  UnknownDeviceError,
  UserDisabledError,
  UserNotFoundError,
} from '../../../errors/auth.errors.js';
import { CurrentSession } from '../../../guard/current-session.decorator.js';
import { ClearAuthCookieInterceptor } from '../../../http/auth-cookie.service.js';
import { ProviderLogoutInterceptor } from '../../../http/provider-logout.interceptor.js';
import { AuthRoute } from '../../../http/auth-route.decorator.js';
import { JsonBody } from '../../../http/json-body.decorator.js';
import { ApiAuthRoute } from '../../../http/openapi.js';
import { SIGNOUT_ERROR_SCHEMA, SIGNOUT_SUCCESS_SCHEMA } from '../../../http/openapi-schemas.js';
import { SessionService } from '../../../sessions/session.service.js';
import type { AuthenticatedSession } from '../../../sessions/session.types.js';

const deviceDescription = 'This header is used for device identification during the sign-out process.';
const SIGNED_OUT = { result: 'ok' } as const;

/**
 * `POST /signout` of signout.crypterium.md. `X-DeviceId` (the cURL sample's
 * name) or `X-DeviceIdD` (the schema's) naming a device of the user signs that
 * device out too; empty or absent, only this session ends.
 */
@Controller()
@AuthRoute()
@UseInterceptors(ClearAuthCookieInterceptor, ProviderLogoutInterceptor)
@ApiTags('logout')
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
  @ApiAuthRoute({
    operationId: 'signOut',
    summary: 'SignOut',
    guarded: true,
    errorSchema: SIGNOUT_ERROR_SCHEMA,
    raises: ['unknown_device', 'request_validation'],
    answers: [
      {
        status: 200,
        description: 'The response indicates a successful sign-out operation.',
        body: SIGNED_OUT,
        schema: SIGNOUT_SUCCESS_SCHEMA,
      },
      {
        status: 400,
        description: "Client error: a device that is not the user's, or a body that is not JSON.",
        error: new UnknownDeviceError(),
      },
      {
        status: 401,
        description: 'Missing, invalid, expired or revoked access token.',
        error: new MissingTokenError(),
      },
      { status: 403, description: 'The account is disabled.', error: new UserDisabledError() },
      { status: 404, description: "The token's user no longer exists.", error: new UserNotFoundError() },
      { status: 500, description: 'Unexpected error.', error: new Error('unexpected') },
    ],
  })
  async signOut(
    @CurrentSession() session: AuthenticatedSession,
    @Headers('x-deviceid') deviceId: string | undefined,
    @Headers('x-deviceidd') deviceIdD: string | undefined,
    @JsonBody() _body: object,
    @Req() request: object,
  ): Promise<{ result: 'ok' }> {
    const device = deviceId?.trim() || deviceIdD?.trim() || undefined;
    await this.sessions.forRequest(request).signOut(session, { deviceId: device });
    return SIGNED_OUT;
  }
}
