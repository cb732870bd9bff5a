import { describe, expect, expectTypeOf, it } from 'vitest';
import * as errors from '../../../errors/auth.errors.js';
import type { AuthErrorKind } from '../../../errors/auth.errors.js';
import { ALL_KINDS } from '../../../../../test/support/error-kinds.js';
import {
  type GenericErrorBody,
  mapGenericError,
  mapGuardErrorToGeneric,
  mapRefreshError,
  mapSessionRouteError,
} from './generic-error.mapper.js';

type Row = [name: string, status: number, error: unknown, body: GenericErrorBody];

const rows: Row[] = [
  [
    'MissingTokenError',
    401,
    new errors.MissingTokenError(),
    { message: 'Unauthorized', description: 'Invalid, expired or missing bearer token', code: 'UNAUTHORIZED' },
  ],
  [
    'MalformedTokenError',
    401,
    new errors.MalformedTokenError(),
    { message: 'Unauthorized', description: 'Invalid, expired or missing bearer token', code: 'UNAUTHORIZED' },
  ],
  [
    'TokenSignatureError',
    401,
    new errors.TokenSignatureError(),
    { message: 'Unauthorized', description: 'Invalid, expired or missing bearer token', code: 'UNAUTHORIZED' },
  ],
  [
    'InvalidTokenError',
    401,
    new errors.InvalidTokenError(),
    { message: 'Unauthorized', description: 'Invalid, expired or missing bearer token', code: 'UNAUTHORIZED' },
  ],
  [
    'TokenExpiredError',
    401,
    new errors.TokenExpiredError(),
    { message: 'Unauthorized', description: 'Invalid, expired or missing bearer token', code: 'UNAUTHORIZED' },
  ],
  [
    'SessionNotFoundError',
    404,
    new errors.SessionNotFoundError(),
    { message: 'Resource not found', description: 'The requested resource could not be found', code: 'NOT_FOUND' },
  ],
  [
    'SessionRevokedError',
    401,
    new errors.SessionRevokedError(),
    { message: 'Unauthorized', description: 'Invalid, expired or missing bearer token', code: 'UNAUTHORIZED' },
  ],
  [
    'SessionExpiredError',
    401,
    new errors.SessionExpiredError(),
    { message: 'Unauthorized', description: 'Invalid, expired or missing bearer token', code: 'UNAUTHORIZED' },
  ],
  [
    'SessionConflictError',
    409,
    new errors.SessionConflictError(),
    { message: 'Resource conflict', description: 'The session was revoked by another request', code: 'CONFLICT' },
  ],
  [
    'UserNotFoundError',
    404,
    new errors.UserNotFoundError(),
    { message: 'Resource not found', description: 'The requested resource could not be found', code: 'NOT_FOUND' },
  ],
  [
    'UserDisabledError',
    403,
    new errors.UserDisabledError(),
    { message: 'Forbidden', description: 'The account is disabled', code: 'FORBIDDEN' },
  ],
  [
    'UnknownSessionError',
    404,
    new errors.UnknownSessionError(),
    { message: 'Resource not found', description: 'The requested resource could not be found', code: 'NOT_FOUND' },
  ],
  [
    'AdminRequiredError',
    403,
    new errors.AdminRequiredError(),
    { message: 'Forbidden', description: 'Administrator rights are required', code: 'FORBIDDEN' },
  ],
  [
    'UnknownDeviceError',
    422,
    new errors.UnknownDeviceError(),
    { message: 'Validation error', description: 'The request data failed validation rules', code: 'VALIDATION_ERROR' },
  ],
  [
    'MalformedRequestError',
    400,
    new errors.MalformedRequestError('Unexpected token } in JSON'),
    { message: 'Invalid input data', description: 'The request data did not pass validation', code: 'INVALID_INPUT' },
  ],
  [
    'RequestValidationError',
    422,
    new errors.RequestValidationError('refreshToken', 'refreshToken must be a string'),
    { message: 'Validation error', description: 'The request data failed validation rules', code: 'VALIDATION_ERROR' },
  ],
  [
    'PayloadTooLargeError',
    413,
    new errors.PayloadTooLargeError(),
    { message: 'Payload too large', description: 'The request body is too large', code: 'PAYLOAD_TOO_LARGE' },
  ],
  [
    'UnsupportedMediaTypeError',
    415,
    new errors.UnsupportedMediaTypeError(),
    {
      message: 'Unsupported media type',
      description: 'The request body must be JSON',
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
  ],
  [
    'TooManyRequestsError',
    429,
    new errors.TooManyRequestsError(),
    { message: 'Too many requests', description: 'Too many requests, try again later', code: 'TOO_MANY_REQUESTS' },
  ],
  [
    'CrossOriginRequestError',
    403,
    new errors.CrossOriginRequestError(),
    { message: 'Forbidden', description: "The request's origin is not allowed", code: 'FORBIDDEN' },
  ],
  [
    'InvalidRefreshTokenError',
    401,
    new errors.InvalidRefreshTokenError(),
    { message: 'Unauthorized', description: 'Invalid, expired or revoked refresh token', code: 'UNAUTHORIZED' },
  ],
  [
    'DatabaseUnavailableError',
    503,
    new errors.DatabaseUnavailableError(),
    {
      message: 'Service unavailable',
      description: 'The service is temporarily unavailable, try again later',
      code: 'SERVICE_UNAVAILABLE',
    },
  ],
  [
    'SessionLimitReachedError',
    403,
    new errors.SessionLimitReachedError(),
    {
      message: 'Forbidden',
      description: 'The account has as many sessions as it may hold; sign out of another one first',
      code: 'SESSION_LIMIT_REACHED',
    },
  ],
  [
    'SessionNotFreshError',
    401,
    new errors.SessionNotFreshError(300),
    {
      message: 'Unauthorized',
      description: 'A more recent sign-in is required for this action',
      code: 'SESSION_NOT_FRESH',
    },
  ],
  [
    'a plain Error',
    500,
    new Error('boom'),
    {
      message: 'Internal server error',
      description: 'The server could not complete the request',
      code: 'INTERNAL_ERROR',
    },
  ],
  [
    'a string',
    500,
    'boom',
    {
      message: 'Internal server error',
      description: 'The server could not complete the request',
      code: 'INTERNAL_ERROR',
    },
  ],
  [
    'undefined',
    500,
    undefined,
    {
      message: 'Internal server error',
      description: 'The server could not complete the request',
      code: 'INTERNAL_ERROR',
    },
  ],
];

// On the host's routes a 404 would tell a caller whether the session or the user was missing: the guard says 401.
const GUARD_UNAUTHORIZED_ROWS = ['SessionNotFoundError', 'UnknownSessionError', 'UserNotFoundError'];
const guardUnauthorized = {
  status: 401,
  body: { message: 'Unauthorized', description: 'Invalid, expired or missing bearer token', code: 'UNAUTHORIZED' },
};

describe('mapGenericError', () => {
  it.each(rows)('%s -> %i', (_name, status, error, body) => {
    expect(mapGenericError(error)).toEqual({ status, body });
  });

  it('has a row for every kind of domain error', () => {
    expectTypeOf<Exclude<AuthErrorKind, (typeof ALL_KINDS)[number]>>().toBeNever();
    const kinds = rows.flatMap(([, , error]) => (error instanceof errors.AuthError ? [error.kind] : []));
    expect(kinds.toSorted()).toEqual(ALL_KINDS);
  });

  it('returns a fresh body each call', () => {
    const first = mapGenericError(new errors.UserDisabledError());
    first.body.message = 'changed';
    expect(mapGenericError(new errors.UserDisabledError())).toEqual({
      status: 403,
      body: { message: 'Forbidden', description: 'The account is disabled', code: 'FORBIDDEN' },
    });
  });
});

describe('mapGuardErrorToGeneric', () => {
  it('is told 401 for exactly the rows mapGenericError answers with 404', () => {
    const notFound = rows.filter(([, status]) => status === 404).map(([name]) => name);
    expect(notFound.toSorted()).toEqual(GUARD_UNAUTHORIZED_ROWS);
  });

  it.each(rows)('%s (mapGenericError: %i)', (name, status, error, body) => {
    const expected = GUARD_UNAUTHORIZED_ROWS.includes(name) ? guardUnauthorized : { status, body };
    expect(mapGuardErrorToGeneric(error)).toEqual(expected);
  });

  it('returns a fresh body each call, for the 401 it substitutes as for the rest', () => {
    const substituted = mapGuardErrorToGeneric(new errors.UserNotFoundError());
    substituted.body.code = 'changed';
    expect(mapGuardErrorToGeneric(new errors.SessionNotFoundError())).toEqual(guardUnauthorized);
    expect(mapGuardErrorToGeneric(new errors.MissingTokenError())).toEqual(guardUnauthorized);
    const passedOn = mapGuardErrorToGeneric(new errors.UserDisabledError());
    passedOn.body.code = 'changed';
    expect(mapGuardErrorToGeneric(new errors.UserDisabledError())).toEqual({
      status: 403,
      body: { message: 'Forbidden', description: 'The account is disabled', code: 'FORBIDDEN' },
    });
  });
});

describe('mapSessionRouteError and mapRefreshError', () => {
  // A token whose session or user is gone is a refused token there (docs/ROUTES.md); a looked-up id stays 404.
  const refusedToken = ['SessionNotFoundError', 'UserNotFoundError'];

  it.each(rows)('%s (mapGenericError: %i)', (name, status, error, body) => {
    expect(mapSessionRouteError(error)).toEqual(refusedToken.includes(name) ? guardUnauthorized : { status, body });
    const refreshExpected =
      name === 'UserNotFoundError'
        ? {
            status: 401,
            body: {
              message: 'Unauthorized',
              description: 'Invalid, expired or revoked refresh token',
              code: 'UNAUTHORIZED',
            },
          }
        : name === 'SessionNotFoundError'
          ? guardUnauthorized
          : { status, body };
    expect(mapRefreshError(error)).toEqual(refreshExpected);
  });

  it('keeps the 404 of an unknown session id', () => {
    expect(mapSessionRouteError(new errors.UnknownSessionError())).toEqual({
      status: 404,
      body: {
        message: 'Resource not found',
        description: 'The requested resource could not be found',
        code: 'NOT_FOUND',
      },
    });
  });
});
