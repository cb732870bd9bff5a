import { describe, expect, expectTypeOf, it } from 'vitest';
import * as errors from '../../../errors/auth.errors.js';
import type { AuthErrorKind } from '../../../errors/auth.errors.js';
import { ALL_KINDS } from '../../../../../test/support/error-kinds.js';
import { type OAuthErrorBody, mapOAuthError } from './oauth-error.mapper.js';

type Row = [name: string, status: number, error: unknown, body: OAuthErrorBody];

const SERVER_ERROR = { error: 'server_error', error_description: 'The server could not complete the request' };
const INVALID_REQUEST = {
  error: 'invalid_request',
  error_description: 'The request is missing a parameter or has an invalid one',
};
/** Kinds of the access token, the session and the user: the route never raises them, a bug if it ever does. */
const unreachable = (error: errors.AuthError): Row => [error.name, 500, error, SERVER_ERROR];

const rows: Row[] = [
  unreachable(new errors.MissingTokenError()),
  unreachable(new errors.MalformedTokenError()),
  unreachable(new errors.TokenSignatureError()),
  unreachable(new errors.InvalidTokenError()),
  unreachable(new errors.TokenExpiredError()),
  unreachable(new errors.SessionNotFoundError()),
  unreachable(new errors.SessionRevokedError()),
  unreachable(new errors.SessionExpiredError()),
  unreachable(new errors.SessionConflictError()),
  unreachable(new errors.UserNotFoundError()),
  unreachable(new errors.UserDisabledError()),
  unreachable(new errors.UnknownSessionError()),
  unreachable(new errors.AdminRequiredError()),
  unreachable(new errors.InvalidRefreshTokenError()),
  unreachable(new errors.SessionLimitReachedError()),
  unreachable(new errors.SessionNotFreshError(300)),
  ['UnknownDeviceError', 400, new errors.UnknownDeviceError(), INVALID_REQUEST],
  [
    'MalformedRequestError',
    400,
    new errors.MalformedRequestError('Unexpected end of JSON input'),
    { error: 'invalid_request', error_description: 'The request body could not be read' },
  ],
  [
    'RequestValidationError',
    400,
    new errors.RequestValidationError('token', 'token is required'),
    { error: 'invalid_request', error_description: 'token is required' },
  ],
  [
    'PayloadTooLargeError',
    413,
    new errors.PayloadTooLargeError(),
    { error: 'invalid_request', error_description: 'The request body is too large' },
  ],
  [
    'UnsupportedMediaTypeError',
    415,
    new errors.UnsupportedMediaTypeError(),
    {
      error: 'invalid_request',
      error_description: 'The request body must be application/x-www-form-urlencoded or JSON',
    },
  ],
  [
    'TooManyRequestsError',
    429,
    new errors.TooManyRequestsError(),
    { error: 'temporarily_unavailable', error_description: 'Too many requests, try again later' },
  ],
  [
    'CrossOriginRequestError',
    403,
    new errors.CrossOriginRequestError(),
    { error: 'access_denied', error_description: "The request's origin is not allowed" },
  ],
  [
    'DatabaseUnavailableError',
    503,
    new errors.DatabaseUnavailableError(),
    {
      error: 'temporarily_unavailable',
      error_description: 'The service is temporarily unavailable, try again later',
    },
  ],
  ['a plain Error', 500, new Error('boom'), SERVER_ERROR],
  ['a string', 500, 'boom', SERVER_ERROR],
  ['undefined', 500, undefined, SERVER_ERROR],
];

describe('mapOAuthError', () => {
  it.each(rows)('%s -> %i', (_name, status, error, body) => {
    expect(mapOAuthError(error)).toEqual({ status, body });
  });

  it('has a row for every kind of domain error', () => {
    expectTypeOf<Exclude<AuthErrorKind, (typeof ALL_KINDS)[number]>>().toBeNever();
    const kinds = rows.flatMap(([, , error]) => (error instanceof errors.AuthError ? [error.kind] : []));
    expect(kinds.toSorted()).toEqual(ALL_KINDS);
  });

  it.each([
    ['a double quote', 'property "x" should not exist'],
    ['a backslash', 'property a\\b should not exist'],
    ['a line break', 'token\nis required'],
    ['non-ASCII text', 'property tökén should not exist'],
    ['nothing', ''],
  ])('keeps a validation message with %s out of error_description (RFC 6749 5.2)', (_name, message) => {
    expect(mapOAuthError(new errors.RequestValidationError('x', message))).toEqual({
      status: 400,
      body: INVALID_REQUEST,
    });
  });

  it('returns a fresh body each call', () => {
    const first = mapOAuthError(new errors.DatabaseUnavailableError());
    first.body.error = 'changed';
    expect(mapOAuthError(new errors.DatabaseUnavailableError()).body.error).toBe('temporarily_unavailable');
  });
});
