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
import { type V3ErrorBody, mapV3Error } from './v3-error.mapper.js';

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

type Row = [name: string, status: number, error: unknown, body: V3ErrorBody];

const rows: Row[] = [
  ['MissingTokenError', 401, new MissingTokenError(), { Message: 'User authentication required' }],
  ['MalformedTokenError', 401, new MalformedTokenError(), { Message: 'Request authorization denied' }],
  ['TokenSignatureError', 401, new TokenSignatureError(), { Message: 'Request authorization denied' }],
  ['InvalidTokenError', 401, new InvalidTokenError(), { Message: 'Request authorization denied' }],
  ['TokenExpiredError', 401, new TokenExpiredError(), { Message: 'Request authorization denied' }],
  ['SessionNotFoundError', 401, new SessionNotFoundError(), { Message: 'Request authorization denied' }],
  ['SessionRevokedError', 401, new SessionRevokedError(), { Message: 'Request authorization denied' }],
  ['SessionExpiredError', 401, new SessionExpiredError(), { Message: 'Request authorization denied' }],
  ['SessionConflictError', 401, new SessionConflictError(), { Message: 'Request authorization denied' }],
  ['UserNotFoundError', 404, new UserNotFoundError(), { Message: 'User not found' }],
  ['UserDisabledError', 403, new UserDisabledError(), { Message: 'Account is disabled' }],
  [
    'UnknownSessionError',
    500,
    new UnknownSessionError(),
    { Message: 'An internal server error occurred while processing the request' },
  ],
  ['UnknownDeviceError', 400, new UnknownDeviceError(), { Message: 'Invalid request body' }],
  [
    'MalformedRequestError',
    400,
    new MalformedRequestError('Unexpected token } in JSON'),
    { Message: 'Invalid request body' },
  ],
  [
    'RequestValidationError',
    400,
    new RequestValidationError('refreshToken', 'refreshToken must be a string'),
    { Message: 'Invalid request body' },
  ],
  ['PayloadTooLargeError', 413, new PayloadTooLargeError(), { Message: 'Request body is too large' }],
  ['UnsupportedMediaTypeError', 415, new UnsupportedMediaTypeError(), { Message: 'Request body must be JSON' }],
  ['TooManyRequestsError', 429, new TooManyRequestsError(), { Message: 'Too many requests' }],
  ['InvalidRefreshTokenError', 401, new InvalidRefreshTokenError(), { Message: 'Request authorization denied' }],
  [
    'DatabaseUnavailableError',
    500,
    new DatabaseUnavailableError(),
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
    const kinds = rows.flatMap(([, , error]) => (error instanceof AuthError ? [error.kind] : []));
    expect(kinds.toSorted()).toEqual(ALL_KINDS);
  });

  it('returns a fresh body each call', () => {
    const first = mapV3Error(new UserNotFoundError());
    first.body.Message = 'changed';
    expect(mapV3Error(new UserNotFoundError())).toStrictEqual({ status: 404, body: { Message: 'User not found' } });
  });
});
