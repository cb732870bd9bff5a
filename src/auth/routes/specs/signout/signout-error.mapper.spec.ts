import { describe, expect, expectTypeOf, it } from 'vitest';
import * as errors from '../../../errors/auth.errors.js';
import type { AuthErrorKind } from '../../../errors/auth.errors.js';
import { ALL_KINDS } from '../../../../../test/support/error-kinds.js';
import { type SignoutErrorBody, mapSignoutError } from './signout-error.mapper.js';

const options = { systemId: 'core', exposeErrorDetails: false };

type Row = [name: string, status: number, error: unknown, body: SignoutErrorBody];

const rows: Row[] = [
  [
    'MissingTokenError',
    401,
    new errors.MissingTokenError(),
    { error: 'UNAUTHORIZED', errorId: 1, message: 'Invalid, expired or missing access token', systemId: 'core' },
  ],
  [
    'MalformedTokenError',
    401,
    new errors.MalformedTokenError(),
    { error: 'UNAUTHORIZED', errorId: 1, message: 'Invalid, expired or missing access token', systemId: 'core' },
  ],
  [
    'TokenSignatureError',
    401,
    new errors.TokenSignatureError(),
    { error: 'UNAUTHORIZED', errorId: 1, message: 'Invalid, expired or missing access token', systemId: 'core' },
  ],
  [
    'InvalidTokenError',
    401,
    new errors.InvalidTokenError(),
    { error: 'UNAUTHORIZED', errorId: 1, message: 'Invalid, expired or missing access token', systemId: 'core' },
  ],
  [
    'TokenExpiredError',
    401,
    new errors.TokenExpiredError(),
    { error: 'UNAUTHORIZED', errorId: 1, message: 'Invalid, expired or missing access token', systemId: 'core' },
  ],
  [
    'SessionNotFoundError',
    401,
    new errors.SessionNotFoundError(),
    { error: 'UNAUTHORIZED', errorId: 1, message: 'Invalid, expired or missing access token', systemId: 'core' },
  ],
  [
    'SessionRevokedError',
    401,
    new errors.SessionRevokedError(),
    { error: 'UNAUTHORIZED', errorId: 1, message: 'Invalid, expired or missing access token', systemId: 'core' },
  ],
  [
    'SessionExpiredError',
    401,
    new errors.SessionExpiredError(),
    { error: 'UNAUTHORIZED', errorId: 1, message: 'Invalid, expired or missing access token', systemId: 'core' },
  ],
  [
    'SessionConflictError',
    401,
    new errors.SessionConflictError(),
    { error: 'UNAUTHORIZED', errorId: 1, message: 'Invalid, expired or missing access token', systemId: 'core' },
  ],
  [
    'UserNotFoundError',
    404,
    new errors.UserNotFoundError(),
    { error: 'USER_NOT_FOUND', errorId: 3, message: 'User not found', systemId: 'core' },
  ],
  [
    'UserDisabledError',
    403,
    new errors.UserDisabledError(),
    { error: 'ACCOUNT_DISABLED', errorId: 2, message: 'Account is disabled', systemId: 'core' },
  ],
  [
    'UnknownSessionError',
    500,
    new errors.UnknownSessionError(),
    {
      error: 'COMMON',
      errorId: 0,
      message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
      systemId: 'core',
    },
  ],
  [
    'AdminRequiredError',
    500,
    new errors.AdminRequiredError(),
    {
      error: 'COMMON',
      errorId: 0,
      message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
      systemId: 'core',
    },
  ],
  [
    'UnknownDeviceError',
    400,
    new errors.UnknownDeviceError(),
    { error: 'DEVICE_NOT_FOUND', errorId: 4, message: 'Device not found', systemId: 'core', field: 'X-DeviceId' },
  ],
  [
    'MalformedRequestError',
    400,
    new errors.MalformedRequestError('Unexpected token } in JSON'),
    { error: 'BAD_REQUEST', errorId: 5, message: 'Malformed request', systemId: 'core' },
  ],
  [
    'RequestValidationError',
    400,
    new errors.RequestValidationError('refreshToken', 'refreshToken must be a string'),
    {
      error: 'VALIDATION_ERROR',
      errorId: 6,
      message: 'Request validation failed',
      systemId: 'core',
      field: 'refreshToken',
    },
  ],
  [
    'PayloadTooLargeError',
    413,
    new errors.PayloadTooLargeError(),
    { error: 'PAYLOAD_TOO_LARGE', errorId: 7, message: 'Request body is too large', systemId: 'core' },
  ],
  [
    'UnsupportedMediaTypeError',
    415,
    new errors.UnsupportedMediaTypeError(),
    { error: 'UNSUPPORTED_MEDIA_TYPE', errorId: 8, message: 'Request body must be JSON', systemId: 'core' },
  ],
  [
    'TooManyRequestsError',
    429,
    new errors.TooManyRequestsError(),
    { error: 'TOO_MANY_REQUESTS', errorId: 9, message: 'Too many requests, try again later', systemId: 'core' },
  ],
  [
    'CrossOriginRequestError',
    403,
    new errors.CrossOriginRequestError(),
    { error: 'CROSS_ORIGIN_REQUEST', errorId: 10, message: "The request's origin is not allowed", systemId: 'core' },
  ],
  [
    'InvalidRefreshTokenError',
    401,
    new errors.InvalidRefreshTokenError(),
    { error: 'UNAUTHORIZED', errorId: 1, message: 'Invalid, expired or missing access token', systemId: 'core' },
  ],
  [
    'DatabaseUnavailableError',
    500,
    new errors.DatabaseUnavailableError(),
    {
      error: 'COMMON',
      errorId: 0,
      message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
      systemId: 'core',
    },
  ],
  [
    'SessionLimitReachedError',
    500,
    new errors.SessionLimitReachedError(),
    {
      error: 'COMMON',
      errorId: 0,
      message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
      systemId: 'core',
    },
  ],
  [
    'SessionNotFreshError',
    500,
    new errors.SessionNotFreshError(300),
    {
      error: 'COMMON',
      errorId: 0,
      message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
      systemId: 'core',
    },
  ],
  [
    'a plain Error',
    500,
    new Error('boom'),
    {
      error: 'COMMON',
      errorId: 0,
      message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
      systemId: 'core',
    },
  ],
  [
    'a string',
    500,
    'boom',
    {
      error: 'COMMON',
      errorId: 0,
      message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
      systemId: 'core',
    },
  ],
  [
    'undefined',
    500,
    undefined,
    {
      error: 'COMMON',
      errorId: 0,
      message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
      systemId: 'core',
    },
  ],
];

describe('mapSignoutError', () => {
  it.each(rows)('%s -> %i', (_name, status, error, body) => {
    expect(mapSignoutError(error, options)).toEqual({ status, body });
  });

  it('has a row for every kind of domain error', () => {
    expectTypeOf<Exclude<AuthErrorKind, (typeof ALL_KINDS)[number]>>().toBeNever();
    const kinds = rows.flatMap(([, , error]) => (error instanceof errors.AuthError ? [error.kind] : []));
    expect(kinds.toSorted()).toEqual(ALL_KINDS);
  });

  it('answers with the systemId it is given', () => {
    expect(mapSignoutError(new errors.UserNotFoundError(), { systemId: 'wallet', exposeErrorDetails: false })).toEqual({
      status: 404,
      body: { error: 'USER_NOT_FOUND', errorId: 3, message: 'User not found', systemId: 'wallet' },
    });
    expect(mapSignoutError(undefined, { systemId: 'wallet', exposeErrorDetails: false })).toEqual({
      status: 500,
      body: {
        error: 'COMMON',
        errorId: 0,
        message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
        systemId: 'wallet',
      },
    });
  });

  describe('with exposeErrorDetails', () => {
    const exposing = { systemId: 'core', exposeErrorDetails: true };

    it('adds the error message and stack', () => {
      const error = new errors.UserDisabledError('user 42 is disabled');
      const mapped = mapSignoutError(error, exposing);
      expect(mapped).toEqual({
        status: 403,
        body: {
          error: 'ACCOUNT_DISABLED',
          errorId: 2,
          message: 'Account is disabled',
          systemId: 'core',
          originalMessage: 'user 42 is disabled',
          errorStackTrace: expect.any(String),
        },
      });
      expect(mapped.body.errorStackTrace).toBe(error.stack);
    });

    it("adds the error's name when its message is empty", () => {
      const error = new errors.SessionRevokedError();
      const mapped = mapSignoutError(error, exposing);
      expect(mapped).toEqual({
        status: 401,
        body: {
          error: 'UNAUTHORIZED',
          errorId: 1,
          message: 'Invalid, expired or missing access token',
          systemId: 'core',
          originalMessage: 'SessionRevokedError',
          errorStackTrace: expect.any(String),
        },
      });
      expect(mapped.body.errorStackTrace).toBe(error.stack);
    });

    it('keeps the field beside the details', () => {
      expect(mapSignoutError(new errors.UnknownDeviceError('device d-1 is not registered'), exposing)).toEqual({
        status: 400,
        body: {
          error: 'DEVICE_NOT_FOUND',
          errorId: 4,
          message: 'Device not found',
          systemId: 'core',
          field: 'X-DeviceId',
          originalMessage: 'device d-1 is not registered',
          errorStackTrace: expect.any(String),
        },
      });
      expect(
        mapSignoutError(new errors.RequestValidationError('deviceId', 'deviceId must be a UUID'), exposing),
      ).toEqual({
        status: 400,
        body: {
          error: 'VALIDATION_ERROR',
          errorId: 6,
          message: 'Request validation failed',
          systemId: 'core',
          field: 'deviceId',
          originalMessage: 'deviceId must be a UUID',
          errorStackTrace: expect.any(String),
        },
      });
    });

    it('details an unexpected Error, named when it has no message', () => {
      expect(mapSignoutError(new Error('boom'), exposing)).toEqual({
        status: 500,
        body: {
          error: 'COMMON',
          errorId: 0,
          message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
          systemId: 'core',
          originalMessage: 'boom',
          errorStackTrace: expect.any(String),
        },
      });
      expect(mapSignoutError(new TypeError(''), exposing)).toEqual({
        status: 500,
        body: {
          error: 'COMMON',
          errorId: 0,
          message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
          systemId: 'core',
          originalMessage: 'TypeError',
          errorStackTrace: expect.any(String),
        },
      });
    });

    // A thrown non-Error has no message or stack to show; toStrictEqual, because toEqual would accept
    // `originalMessage: undefined`.
    it.each([
      ['a string', 'boom'],
      ['undefined', undefined],
    ])('adds nothing for %s', (_name, error) => {
      expect(mapSignoutError(error, exposing)).toStrictEqual({
        status: 500,
        body: {
          error: 'COMMON',
          errorId: 0,
          message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
          systemId: 'core',
        },
      });
    });
  });

  it('returns a fresh body each call', () => {
    const first = mapSignoutError(new errors.UserNotFoundError(), options);
    first.body.message = 'changed';
    first.body.field = 'changed';
    expect(mapSignoutError(new errors.UserNotFoundError(), options)).toStrictEqual({
      status: 404,
      body: { error: 'USER_NOT_FOUND', errorId: 3, message: 'User not found', systemId: 'core' },
    });
  });
});
