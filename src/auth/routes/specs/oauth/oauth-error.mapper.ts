import { type AuthErrorKind, RequestValidationError } from '../../../errors/auth.errors.js';
import {
  BAD_REQUEST_KINDS,
  type ErrorResponse,
  LOST_SESSION_KINDS,
  REFUSED_TOKEN_KINDS,
  answerName,
  kindsAnsweredBy,
} from '../../../http/error-response.js';

/** RFC 6749 section 5.2: the error body of the OAuth 2.0 routes (`POST /auth/revoke`, RFC 7009 section 2.2.1). */
export interface OAuthErrorBody {
  error: string;
  error_description: string;
}

const entry = (status: number, error: string, description: string) => ({
  status,
  body: { error, error_description: description },
});

/** Every answer of the OAuth 2.0 routes, by name. */
export const OAUTH_ERRORS = {
  invalidRequest: entry(400, 'invalid_request', 'The request is missing a parameter or has an invalid one'),
  unreadableBody: entry(400, 'invalid_request', 'The request body could not be read'),
  crossOrigin: entry(403, 'access_denied', "The request's origin is not allowed"),
  payloadTooLarge: entry(413, 'invalid_request', 'The request body is too large'),
  unsupportedMediaType: entry(
    415,
    'invalid_request',
    'The request body must be application/x-www-form-urlencoded or JSON',
  ),
  tooManyRequests: entry(429, 'temporarily_unavailable', 'Too many requests, try again later'),
  serverError: entry(500, 'server_error', 'The server could not complete the request'),
  // RFC 7009 section 2.2.1: a 503 when the server cannot revoke the token for now; the client retries later.
  unavailable: entry(503, 'temporarily_unavailable', 'The service is temporarily unavailable, try again later'),
} as const satisfies Record<string, ErrorResponse<OAuthErrorBody>>;

type OAuthErrorName = keyof typeof OAUTH_ERRORS;

/**
 * The route takes no access token and answers 200 for a token that is invalid (RFC 7009 section 2.2): the kinds
 * about tokens, sessions and users never reach it, and are its 500 if they ever do.
 */
const BY_KIND = {
  ...kindsAnsweredBy('serverError', [
    ...REFUSED_TOKEN_KINDS,
    ...LOST_SESSION_KINDS,
    'missing_token',
    'user_not_found',
    'user_disabled',
    'unknown_session',
    'admin_required',
    'session_limit_reached',
    'session_not_fresh',
  ]),
  ...kindsAnsweredBy('invalidRequest', BAD_REQUEST_KINDS),
  malformed_request: 'unreadableBody',
  cross_origin_request: 'crossOrigin',
  payload_too_large: 'payloadTooLarge',
  unsupported_media_type: 'unsupportedMediaType',
  too_many_requests: 'tooManyRequests',
  database_unavailable: 'unavailable',
} as const satisfies Record<AuthErrorKind, OAuthErrorName>;

/** RFC 6749 section 5.2: `error_description` is printable ASCII without `"` and `\`. */
const DESCRIPTION_TEXT = /^[\x20\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Domain error -> status and RFC 6749 error body; anything unexpected is its 500 (`server_error`). A field refused by
 * validation is named in `error_description` when its message fits the field's character set.
 */
export function mapOAuthError(error: unknown): ErrorResponse<OAuthErrorBody> {
  const { status, body } = OAUTH_ERRORS[answerName<OAuthErrorName>(BY_KIND, error, 'serverError')];
  const detail = error instanceof RequestValidationError && DESCRIPTION_TEXT.test(error.message) ? error.message : null;
  return { status, body: { ...body, error_description: detail ?? body.error_description } };
}
