import type { AuthErrorKind } from '../../../errors/auth.errors.js';
import {
  type ErrorResponse,
  REFUSED_TOKEN_KINDS,
  SAME_NAMED_KINDS,
  answerName,
  kindsAnsweredBy,
} from '../../../http/error-response.js';

/** The error body of the generic spec (`POST /auth/logout`). */
export interface GenericErrorBody {
  message: string;
  description: string;
  code: string;
}

const entry = (status: number, message: string, description: string, code: string) => ({
  status,
  body: { message, description, code },
});

/** Every answer of the generic spec, by name. */
export const GENERIC_ERRORS = {
  invalidInput: entry(400, 'Invalid input data', 'The request data did not pass validation', 'INVALID_INPUT'),
  unauthorized: entry(401, 'Unauthorized', 'Invalid, expired or missing bearer token', 'UNAUTHORIZED'),
  invalidRefreshToken: entry(401, 'Unauthorized', 'Invalid, expired or revoked refresh token', 'UNAUTHORIZED'),
  forbidden: entry(403, 'Forbidden', 'The account is disabled', 'FORBIDDEN'),
  crossOrigin: entry(403, 'Forbidden', "The request's origin is not allowed", 'FORBIDDEN'),
  sessionLimitReached: entry(
    403,
    'Forbidden',
    'The account has as many sessions as it may hold; sign out of another one first',
    'SESSION_LIMIT_REACHED',
  ),
  sessionNotFresh: entry(401, 'Unauthorized', 'A more recent sign-in is required for this action', 'SESSION_NOT_FRESH'),
  adminRequired: entry(403, 'Forbidden', 'Administrator rights are required', 'FORBIDDEN'),
  notFound: entry(404, 'Resource not found', 'The requested resource could not be found', 'NOT_FOUND'),
  conflict: entry(409, 'Resource conflict', 'The session was revoked by another request', 'CONFLICT'),
  payloadTooLarge: entry(413, 'Payload too large', 'The request body is too large', 'PAYLOAD_TOO_LARGE'),
  unsupportedMediaType: entry(415, 'Unsupported media type', 'The request body must be JSON', 'UNSUPPORTED_MEDIA_TYPE'),
  validation: entry(422, 'Validation error', 'The request data failed validation rules', 'VALIDATION_ERROR'),
  tooManyRequests: entry(429, 'Too many requests', 'Too many requests, try again later', 'TOO_MANY_REQUESTS'),
  internal: entry(500, 'Internal server error', 'The server could not complete the request', 'INTERNAL_ERROR'),
  // The spec documents no 5xx; an unreachable database is this route's 503.
  unavailable: entry(
    503,
    'Service unavailable',
    'The service is temporarily unavailable, try again later',
    'SERVICE_UNAVAILABLE',
  ),
} as const satisfies Record<string, ErrorResponse<GenericErrorBody>>;

type GenericErrorName = keyof typeof GENERIC_ERRORS;

const BY_KIND = {
  ...kindsAnsweredBy('unauthorized', [...REFUSED_TOKEN_KINDS, 'missing_token']),
  ...kindsAnsweredBy('notFound', ['session_not_found', 'user_not_found', 'unknown_session']),
  user_disabled: 'forbidden',
  admin_required: 'adminRequired',
  session_conflict: 'conflict',
  session_limit_reached: 'sessionLimitReached',
  session_not_fresh: 'sessionNotFresh',
  invalid_refresh_token: 'invalidRefreshToken',
  ...kindsAnsweredBy('validation', ['unknown_device', 'request_validation']),
  malformed_request: 'invalidInput',
  database_unavailable: 'unavailable',
  ...SAME_NAMED_KINDS,
} as const satisfies Record<AuthErrorKind, GenericErrorName>;

const answer = (name: GenericErrorName): ErrorResponse<GenericErrorBody> => ({
  status: GENERIC_ERRORS[name].status,
  body: { ...GENERIC_ERRORS[name].body },
});

/** Domain error -> status and body of the generic spec; anything unexpected is its 500. */
export function mapGenericError(error: unknown): ErrorResponse<GenericErrorBody> {
  return answer(answerName<GenericErrorName>(BY_KIND, error, 'internal'));
}

/**
 * The routes beyond the four specs that take an access token (`logout/all`, `logout/others`, the session list and
 * delete, the admin routes) are guarded as the host's routes are (docs/ROUTES.md: 401 without a live token): a token
 * whose session or user no longer exists is a refused token, not the logout spec's 404. The 404 these routes raise
 * themselves (a session id that names no live session of the user) stays.
 */
const SESSION_ROUTE_BY_KIND = {
  ...BY_KIND,
  ...kindsAnsweredBy('unauthorized', ['session_not_found', 'user_not_found']),
} as const satisfies Record<AuthErrorKind, GenericErrorName>;

/** `POST /auth/refresh`: the refresh token of a user who no longer exists is a refused refresh token. */
const REFRESH_BY_KIND = {
  ...SESSION_ROUTE_BY_KIND,
  user_not_found: 'invalidRefreshToken',
} as const satisfies Record<AuthErrorKind, GenericErrorName>;

/** Domain error -> the generic body on the session and admin routes (SESSION_ROUTE_BY_KIND). */
export function mapSessionRouteError(error: unknown): ErrorResponse<GenericErrorBody> {
  return answer(answerName<GenericErrorName>(SESSION_ROUTE_BY_KIND, error, 'internal'));
}

/** Domain error -> the generic body on `POST /auth/refresh` (REFRESH_BY_KIND). */
export function mapRefreshError(error: unknown): ErrorResponse<GenericErrorBody> {
  return answer(answerName<GenericErrorName>(REFRESH_BY_KIND, error, 'internal'));
}

/**
 * The default answer of JwtGuard on the host's own routes: the generic body,
 * where a missing session or user is just an invalid token (401), never a 404
 * that would tell which part was missing.
 */
export function mapGuardErrorToGeneric(error: unknown): ErrorResponse<GenericErrorBody> {
  const mapped = mapGenericError(error);
  return mapped.status === 404 ? answer('unauthorized') : mapped;
}
