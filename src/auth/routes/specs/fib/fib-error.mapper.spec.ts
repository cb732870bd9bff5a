import { describe, expect, expectTypeOf, it } from 'vitest';
import * as errors from '../../../errors/auth.errors.js';
import type { AuthErrorKind } from '../../../errors/auth.errors.js';
import { ALL_KINDS } from '../../../../../test/support/error-kinds.js';
import { type FibEnvelope, mapFibError } from './fib-error.mapper.js';

type Row = [name: string, status: number, error: unknown, body: FibEnvelope];

const rows: Row[] = [
  [
    'MissingTokenError',
    401,
    new errors.MissingTokenError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'MalformedTokenError',
    401,
    new errors.MalformedTokenError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'TokenSignatureError',
    422,
    new errors.TokenSignatureError(),
    {
      status: {
        code: 422,
        name: 'UNPROCESSABLE_ENTITY',
        message: 'The access token signature could not be verified.',
      },
      data: {},
    },
  ],
  [
    'InvalidTokenError',
    401,
    new errors.InvalidTokenError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'TokenExpiredError',
    401,
    new errors.TokenExpiredError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'SessionNotFoundError',
    401,
    new errors.SessionNotFoundError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'SessionRevokedError',
    401,
    new errors.SessionRevokedError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'SessionExpiredError',
    401,
    new errors.SessionExpiredError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'SessionConflictError',
    401,
    new errors.SessionConflictError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'UserNotFoundError',
    404,
    new errors.UserNotFoundError(),
    { status: { code: 404, name: 'NOT_FOUND', message: 'User has not been found.' }, data: {} },
  ],
  [
    'UserDisabledError',
    401,
    new errors.UserDisabledError(),
    { status: { code: 401, name: 'UNAUTHORIZED', message: 'The user account is disabled.' }, data: {} },
  ],
  [
    'UnknownSessionError',
    500,
    new errors.UnknownSessionError(),
    { status: { code: 500, name: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' }, data: {} },
  ],
  [
    'AdminRequiredError',
    500,
    new errors.AdminRequiredError(),
    { status: { code: 500, name: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' }, data: {} },
  ],
  [
    'UnknownDeviceError',
    400,
    new errors.UnknownDeviceError(),
    { status: { code: 400, name: 'BAD_REQUEST', message: 'The request could not be read.' }, data: {} },
  ],
  [
    'MalformedRequestError',
    400,
    new errors.MalformedRequestError('Unexpected token } in JSON'),
    { status: { code: 400, name: 'BAD_REQUEST', message: 'The request could not be read.' }, data: {} },
  ],
  [
    'RequestValidationError',
    400,
    new errors.RequestValidationError('refreshToken', 'refreshToken must be a string'),
    { status: { code: 400, name: 'BAD_REQUEST', message: 'The request could not be read.' }, data: {} },
  ],
  [
    'PayloadTooLargeError',
    413,
    new errors.PayloadTooLargeError(),
    { status: { code: 413, name: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' }, data: {} },
  ],
  [
    'UnsupportedMediaTypeError',
    415,
    new errors.UnsupportedMediaTypeError(),
    { status: { code: 415, name: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request body must be JSON.' }, data: {} },
  ],
  [
    'TooManyRequestsError',
    429,
    new errors.TooManyRequestsError(),
    { status: { code: 429, name: 'TOO_MANY_REQUESTS', message: 'Too many requests, try again later.' }, data: {} },
  ],
  [
    'CrossOriginRequestError',
    403,
    new errors.CrossOriginRequestError(),
    { status: { code: 403, name: 'FORBIDDEN', message: "The request's origin is not allowed." }, data: {} },
  ],
  [
    'InvalidRefreshTokenError',
    401,
    new errors.InvalidRefreshTokenError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'DatabaseUnavailableError',
    500,
    new errors.DatabaseUnavailableError(),
    { status: { code: 500, name: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' }, data: {} },
  ],
  [
    'SessionLimitReachedError',
    500,
    new errors.SessionLimitReachedError(),
    { status: { code: 500, name: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' }, data: {} },
  ],
  [
    'SessionNotFreshError',
    500,
    new errors.SessionNotFreshError(300),
    { status: { code: 500, name: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' }, data: {} },
  ],
  [
    'a plain Error',
    500,
    new Error('boom'),
    { status: { code: 500, name: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' }, data: {} },
  ],
  [
    'a string',
    500,
    'boom',
    { status: { code: 500, name: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' }, data: {} },
  ],
  [
    'undefined',
    500,
    undefined,
    { status: { code: 500, name: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' }, data: {} },
  ],
];

describe('mapFibError', () => {
  it.each(rows)('%s -> %i', (_name, status, error, body) => {
    expect(mapFibError(error)).toEqual({ status, body });
  });

  it('has a row for every kind of domain error', () => {
    expectTypeOf<Exclude<AuthErrorKind, (typeof ALL_KINDS)[number]>>().toBeNever();
    const kinds = rows.flatMap(([, , error]) => (error instanceof errors.AuthError ? [error.kind] : []));
    expect(kinds.toSorted()).toEqual(ALL_KINDS);
  });

  // The envelope is nested: a copy of the outer object alone would still share `status` and `data`.
  it('returns a fresh envelope each call', () => {
    const first = mapFibError(new errors.UserNotFoundError());
    first.body.status.message = 'changed';
    (first.body.data as Record<string, unknown>).changed = true;
    expect(mapFibError(new errors.UserNotFoundError())).toStrictEqual({
      status: 404,
      body: { status: { code: 404, name: 'NOT_FOUND', message: 'User has not been found.' }, data: {} },
    });
  });
});
