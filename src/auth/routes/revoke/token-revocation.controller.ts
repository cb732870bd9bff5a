import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import {
  DatabaseUnavailableError,
  PayloadTooLargeError,
  RequestValidationError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
} from '../../errors/auth.errors.js';
import { AuthRoute } from '../../http/auth-route.decorator.js';
import { ApiAuthRoute } from '../../http/openapi.js';
import { OAUTH_ERROR_SCHEMA } from '../../http/openapi-schemas.js';
import { SessionService } from '../../sessions/session.service.js';
import { readTokenRevocationRequest } from './token-revocation.request.js';

const REQUEST_SCHEMA = {
  type: 'object',
  required: ['token'],
  properties: {
    token: { type: 'string', description: 'The refresh or access token to revoke.' },
    token_type_hint: {
      type: 'string',
      enum: ['refresh_token', 'access_token'],
      description: 'Which kind of token it is; only an optimisation, a wrong hint still revokes.',
    },
  },
};

/**
 * `POST /auth/revoke`: RFC 7009 token revocation for first-party public clients, whose proof is the token itself. A
 * refresh or access token ends its session (`token_revoked`); 200 with an empty body whether or not there was anything
 * to end (section 2.2). Errors in the RFC 6749 section 5.2 body (the route table's oauth mapper).
 */
@Controller()
@AuthRoute({ authenticated: false })
@ApiTags('session')
export class TokenRevocationController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ schema: REQUEST_SCHEMA })
  @ApiAuthRoute({
    operationId: 'revokeToken',
    summary: 'Revoke a refresh or access token, ending its session (RFC 7009)',
    guarded: false,
    errorSchema: OAUTH_ERROR_SCHEMA,
    raises: ['request_validation'],
    answers: [
      { status: 200, description: 'Revoked, or nothing to revoke (unknown, invalid or already ended): empty body' },
      {
        status: 400,
        description: 'No `token`, a repeated parameter, or an unreadable body',
        error: new RequestValidationError('token', 'token is required'),
      },
      { status: 413, description: 'The body is too large', error: new PayloadTooLargeError() },
      { status: 415, description: 'Neither a form nor JSON', error: new UnsupportedMediaTypeError() },
      { status: 429, description: 'Too many requests from this client', error: new TooManyRequestsError() },
      {
        status: 503,
        description: 'The database is unreachable: try again later',
        error: new DatabaseUnavailableError(),
      },
    ],
  })
  async revoke(@Req() request: { headers: Record<string, string | string[] | undefined>; body?: unknown }) {
    const { token, tokenTypeHint } = readTokenRevocationRequest(request);
    await this.sessions.forRequest(request).revokeToken(token, tokenTypeHint);
  }
}
