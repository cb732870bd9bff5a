import { type AuthErrorKind, RequestValidationError, UnknownDeviceError } from '../../../errors/auth.errors.js';
import {
  type ErrorMapperOptions,
  type ErrorResponse,
  GENERIC_ONLY_KINDS,
  LOST_SESSION_KINDS,
  REFUSED_TOKEN_KINDS,
  SAME_NAMED_KINDS,
  answerName,
  kindsAnsweredBy,
} from '../../../http/error-response.js';

/** The error body of signout.crypterium.md (`POST /signout`). */
export interface SignoutErrorBody {
  error: string;
  errorId: number;
  message: string;
  systemId: string;
  field?: string;
  originalMessage?: string;
  errorStackTrace?: string;
  data?: Record<string, unknown>;
}

interface SignoutError {
  status: number;
  error: string;
  errorId: number;
  message: string;
}

/** The header the spec's cURL sample sends; `X-DeviceIdD` (its schema's spelling) is read too. */
export const DEVICE_HEADER = 'X-DeviceId';

/** Stable identifiers: `error` and `errorId` never change meaning once published. */
export const SIGNOUT_ERRORS = {
  common: {
    status: 500,
    error: 'COMMON',
    errorId: 0,
    message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
  },
  unauthorized: { status: 401, error: 'UNAUTHORIZED', errorId: 1, message: 'Invalid, expired or missing access token' },
  accountDisabled: { status: 403, error: 'ACCOUNT_DISABLED', errorId: 2, message: 'Account is disabled' },
  userNotFound: { status: 404, error: 'USER_NOT_FOUND', errorId: 3, message: 'User not found' },
  deviceNotFound: { status: 400, error: 'DEVICE_NOT_FOUND', errorId: 4, message: 'Device not found' },
  badRequest: { status: 400, error: 'BAD_REQUEST', errorId: 5, message: 'Malformed request' },
  validation: { status: 400, error: 'VALIDATION_ERROR', errorId: 6, message: 'Request validation failed' },
  payloadTooLarge: { status: 413, error: 'PAYLOAD_TOO_LARGE', errorId: 7, message: 'Request body is too large' },
  unsupportedMediaType: {
    status: 415,
    error: 'UNSUPPORTED_MEDIA_TYPE',
    errorId: 8,
    message: 'Request body must be JSON',
  },
  tooManyRequests: {
    status: 429,
    error: 'TOO_MANY_REQUESTS',
    errorId: 9,
    message: 'Too many requests, try again later',
  },
  crossOrigin: {
    status: 403,
    error: 'CROSS_ORIGIN_REQUEST',
    errorId: 10,
    message: "The request's origin is not allowed",
  },
} as const satisfies Record<string, SignoutError>;

type SignoutErrorName = keyof typeof SIGNOUT_ERRORS;

const BY_KIND = {
  ...kindsAnsweredBy('unauthorized', [...REFUSED_TOKEN_KINDS, 'missing_token', ...LOST_SESSION_KINDS]),
  user_not_found: 'userNotFound',
  user_disabled: 'accountDisabled',
  unknown_device: 'deviceNotFound',
  malformed_request: 'badRequest',
  request_validation: 'validation',
  ...SAME_NAMED_KINDS,
  ...kindsAnsweredBy('common', GENERIC_ONLY_KINDS),
} as const satisfies Record<AuthErrorKind, SignoutErrorName>;

/** Domain error -> status and body of the /signout spec; anything unexpected is `COMMON` 500. */
export function mapSignoutError(error: unknown, options: ErrorMapperOptions): ErrorResponse<SignoutErrorBody> {
  const name = answerName<SignoutErrorName>(BY_KIND, error, 'common');
  const { status, ...fields } = SIGNOUT_ERRORS[name];
  const body: SignoutErrorBody = { ...fields, systemId: options.systemId };
  if (error instanceof UnknownDeviceError) body.field = DEVICE_HEADER;
  if (error instanceof RequestValidationError) body.field = error.field;
  if (options.exposeErrorDetails && error instanceof Error) {
    body.originalMessage = error.message || error.name;
    if (error.stack) body.errorStackTrace = error.stack;
  }
  return { status, body };
}
