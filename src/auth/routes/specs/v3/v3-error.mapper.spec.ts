import { describe, expect, expectTypeOf, it } from 'vitest';
import * as errors from '../../../errors/auth.errors.js';
import type { AuthErrorKind } from '../../../errors/auth.errors.js';
import { ALL_KINDS } from '../../../../../test/support/error-kinds.js';
import { type V3ErrorBody, mapV3Error } from './v3-error.mapper.js';

type Row = [name: string, status: number, error: unknown, body: V3ErrorBody];

const rows: Row[] = [
  ['MissingTokenError', 401, new errors.MissingTokenError(), { Message: 'User authentication required' }],
  ['MalformedTokenError', 401, new errors.MalformedTokenError(), { Message: 'Request authorization denied' }],
  ['TokenSignatureError', 401, new errors.TokenSignatureError(), { Message: 'Request authorization denied' }],
  ['InvalidTokenError', 401, new errors.InvalidTokenError(), { Message: 'Request authorization denied' }],
  ['TokenExpiredError', 401, new errors.TokenExpiredError(), { Message: 'Request authorization denied' }],
  ['SessionNotFoundError', 401, new errors.SessionNotFoundError(), { Message: 'Request authorization denied' }],
  ['SessionRevokedError', 401, new errors.SessionRevokedError(), { Message: 'Request authorization denied' }],
  ['SessionExpiredError', 401, new errors.SessionExpiredError(), { Message: 'Request authorization denied' }],
  ['SessionConflictError', 401, new errors.SessionConflictError(), { Message: 'Request authorization denied' }],
  ['UserNotFoundError', 404, new errors.UserNotFoundError(), { Message: 'User not found' }],
  ['UserDisabledError', 403, new errors.UserDisabledError(), { Message: 'Account is disabled' }],
  [
    'UnknownSessionError',
    500,
    new errors.UnknownSessionError(),
    { Message: 'An internal server error occurred while processing the request' },
  ],
  [
    'AdminRequiredError',
    500,
    new errors.AdminRequiredError(),
    { Message: 'An internal server error occurred while processing the request' },
  ],
  ['UnknownDeviceError', 400, new errors.UnknownDeviceError(), { Message: 'Invalid request body' }],
  [
    'MalformedRequestError',
    400,
    new errors.MalformedRequestError('Unexpected token } in JSON'),
    { Message: 'Invalid request body' },
  ],
  [
    'RequestValidationError',
    400,
    new errors.RequestValidationError('refreshToken', 'refreshToken must be a string'),
    { Message: 'Invalid request body' },
  ],
  ['PayloadTooLargeError', 413, new errors.PayloadTooLargeError(), { Message: 'Request body is too large' }],
  ['UnsupportedMediaTypeError', 415, new errors.UnsupportedMediaTypeError(), { Message: 'Request body must be JSON' }],
  ['TooManyRequestsError', 429, new errors.TooManyRequestsError(), { Message: 'Too many requests' }],
  [
    'CrossOriginRequestError',
    403,
    new errors.CrossOriginRequestError(),
    { Message: "The request's origin is not allowed" },
  ],
  ['InvalidRefreshTokenError', 401, new errors.InvalidRefreshTokenError(), { Message: 'Request authorization denied' }],
  [
    'DatabaseUnavailableError',
    500,
    new errors.DatabaseUnavailableError(),
    { Message: 'An internal server error occurred while processing the request' },
  ],
  [
    'SessionLimitReachedError',
    500,
    new errors.SessionLimitReachedError(),
    { Message: 'An internal server error occurred while processing the request' },
  ],
  [
    'SessionNotFreshError',
    500,
    new errors.SessionNotFreshError(300),
    { Message: 'An internal server error occurred while processing the request' },
  ],
  [
    'a plain Error',
    500,
    new Error('boom'),
    { Message: 'An internal server error occurred while processing the request' },
  ],
  ['a string', 500, 'boom', { Message: 'An internal server error occurred while processing the request' }],
  ['undefined', 500, undefined, { Message: 'An internal server error occurred while processing the request' }],
];

describe('mapV3Error', () => {
  it.each(rows)('%s -> %i', (_name, status, error, body) => {
    expect(mapV3Error(error)).toEqual({ status, body });
  });

  it('has a row for every kind of domain error', () => {
    expectTypeOf<Exclude<AuthErrorKind, (typeof ALL_KINDS)[number]>>().toBeNever();
    const kinds = rows.flatMap(([, , error]) => (error instanceof errors.AuthError ? [error.kind] : []));
    expect(kinds.toSorted()).toEqual(ALL_KINDS);
  });

  it('returns a fresh body each call', () => {
    const first = mapV3Error(new errors.UserNotFoundError());
    first.body.Message = 'changed';
    expect(mapV3Error(new errors.UserNotFoundError())).toStrictEqual({
      status: 404,
      body: { Message: 'User not found' },
    });
  });
});
