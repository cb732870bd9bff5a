import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  AuthError,
  type AuthErrorKind,
  DatabaseUnavailableError,
  InvalidRefreshTokenError,
  InvalidTokenError,
  MalformedRequestError,
  MalformedTokenError,
  MissingTokenError,
  PayloadTooLargeError,
  RequestValidationError,
  SessionConflictError,
  SessionExpiredError,
  SessionNotFoundError,
  SessionRevokedError,
  TokenExpiredError,
  TokenSignatureError,
  TooManyRequestsError,
  UnknownDeviceError,
  UnknownSessionError,
  UnsupportedMediaTypeError,
  UserDisabledError,
  UserNotFoundError,
} from '../../../errors/auth.errors.js';
import { type FibEnvelope, mapFibError } from './fib-error.mapper.js';

// Sorted. Written out rather than derived, so that a kind added to the union must be added here (tsc) and then
// given a row (the coverage test).
const ALL_KINDS = [
  'database_unavailable',
  'invalid_refresh_token',
  'invalid_token',
  'malformed_request',
  'malformed_token',
  'missing_token',
  'payload_too_large',
  'request_validation',
  'session_conflict',
  'session_expired',
  'session_not_found',
  'session_revoked',
  'token_expired',
  'token_signature',
  'too_many_requests',
  'unknown_device',
  'unknown_session',
  'unsupported_media_type',
  'user_disabled',
  'user_not_found',
] as const satisfies readonly AuthErrorKind[];

type Row = [name: string, status: number, error: unknown, body: FibEnvelope];

const rows: Row[] = [
  [
    'MissingTokenError',
    401,
    new MissingTokenError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'MalformedTokenError',
    401,
    new MalformedTokenError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'TokenSignatureError',
    422,
    new TokenSignatureError(),
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
    new InvalidTokenError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'TokenExpiredError',
    401,
    new TokenExpiredError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'SessionNotFoundError',
    401,
    new SessionNotFoundError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'SessionRevokedError',
    401,
    new SessionRevokedError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'SessionExpiredError',
    401,
    new SessionExpiredError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'SessionConflictError',
    401,
    new SessionConflictError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'UserNotFoundError',
    404,
    new UserNotFoundError(),
    { status: { code: 404, name: 'NOT_FOUND', message: 'User has not been found.' }, data: {} },
  ],
  [
    'UserDisabledError',
    401,
    new UserDisabledError(),
    { status: { code: 401, name: 'UNAUTHORIZED', message: 'The user account is disabled.' }, data: {} },
  ],
  [
    'UnknownSessionError',
    500,
    new UnknownSessionError(),
    { status: { code: 500, name: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' }, data: {} },
  ],
  [
    'UnknownDeviceError',
    400,
    new UnknownDeviceError(),
    { status: { code: 400, name: 'BAD_REQUEST', message: 'The request could not be read.' }, data: {} },
  ],
  [
    'MalformedRequestError',
    400,
    new MalformedRequestError('Unexpected token } in JSON'),
    { status: { code: 400, name: 'BAD_REQUEST', message: 'The request could not be read.' }, data: {} },
  ],
  [
    'RequestValidationError',
    400,
    new RequestValidationError('refreshToken', 'refreshToken must be a string'),
    { status: { code: 400, name: 'BAD_REQUEST', message: 'The request could not be read.' }, data: {} },
  ],
  [
    'PayloadTooLargeError',
    413,
    new PayloadTooLargeError(),
    { status: { code: 413, name: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' }, data: {} },
  ],
  [
    'UnsupportedMediaTypeError',
    415,
    new UnsupportedMediaTypeError(),
    { status: { code: 415, name: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request body must be JSON.' }, data: {} },
  ],
  [
    'TooManyRequestsError',
    429,
    new TooManyRequestsError(),
    { status: { code: 429, name: 'TOO_MANY_REQUESTS', message: 'Too many requests, try again later.' }, data: {} },
  ],
  [
    'InvalidRefreshTokenError',
    401,
    new InvalidRefreshTokenError(),
    {
      status: { code: 401, name: 'UNAUTHORIZED', message: 'The access token is missing, invalid, expired or revoked.' },
      data: {},
    },
  ],
  [
    'DatabaseUnavailableError',
    500,
    new DatabaseUnavailableError(),
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
    const kinds = rows.flatMap(([, , error]) => (error instanceof AuthError ? [error.kind] : []));
    expect(kinds.toSorted()).toEqual(ALL_KINDS);
  });

  // The envelope is nested: a copy of the outer object alone would still share `status` and `data`.
  it('returns a fresh envelope each call', () => {
    const first = mapFibError(new UserNotFoundError());
    first.body.status.message = 'changed';
    (first.body.data as Record<string, unknown>).changed = true;
    expect(mapFibError(new UserNotFoundError())).toStrictEqual({
      status: 404,
      body: { status: { code: 404, name: 'NOT_FOUND', message: 'User has not been found.' }, data: {} },
    });
  });
});
