import {
  AdminRequiredError,
  type AuthError,
  type AuthErrorKind,
  CrossOriginRequestError,
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
  SessionLimitReachedError,
  SessionNotFoundError,
  SessionNotFreshError,
  SessionRevokedError,
  TokenExpiredError,
  TokenSignatureError,
  TooManyRequestsError,
  UnknownDeviceError,
  UnknownSessionError,
  UnsupportedMediaTypeError,
  UserDisabledError,
  UserNotFoundError,
} from '../errors/auth.errors.js';
import { REFUSED_TOKEN_KINDS } from './error-response.js';

/** One error of each kind: a route's mapper turns it into the example of the status it answers it with. */
export const EXAMPLE_ERRORS = {
  missing_token: () => new MissingTokenError(),
  malformed_token: () => new MalformedTokenError(),
  token_signature: () => new TokenSignatureError(),
  invalid_token: () => new InvalidTokenError(),
  token_expired: () => new TokenExpiredError(),
  session_not_found: () => new SessionNotFoundError(),
  session_revoked: () => new SessionRevokedError(),
  session_expired: () => new SessionExpiredError(),
  session_conflict: () => new SessionConflictError(),
  user_not_found: () => new UserNotFoundError(),
  user_disabled: () => new UserDisabledError(),
  unknown_session: () => new UnknownSessionError(),
  unknown_device: () => new UnknownDeviceError(),
  admin_required: () => new AdminRequiredError(),
  malformed_request: () => new MalformedRequestError(),
  request_validation: () => new RequestValidationError('field', 'property field should not exist'),
  payload_too_large: () => new PayloadTooLargeError(),
  unsupported_media_type: () => new UnsupportedMediaTypeError(),
  too_many_requests: () => new TooManyRequestsError(undefined, 60),
  cross_origin_request: () => new CrossOriginRequestError(),
  invalid_refresh_token: () => new InvalidRefreshTokenError(),
  session_limit_reached: () => new SessionLimitReachedError(),
  session_not_fresh: () => new SessionNotFreshError(300),
  database_unavailable: () => new DatabaseUnavailableError(),
} as const satisfies Record<AuthErrorKind, () => AuthError>;

/**
 * What every module route may answer before or around its handler: an unreadable, oversized or non-JSON body, the
 * rate limit, an unreachable database.
 */
export const EVERY_ROUTE_RAISES = [
  'malformed_request',
  'payload_too_large',
  'unsupported_media_type',
  'too_many_requests',
  'database_unavailable',
] as const satisfies readonly AuthErrorKind[];

/** What the access-token check of a guarded route raises (the cookie's origin check in cookie mode included). */
export const GUARD_RAISES = [
  'missing_token',
  ...REFUSED_TOKEN_KINDS,
  'session_not_found',
  'user_not_found',
  'user_disabled',
  'cross_origin_request',
] as const satisfies readonly AuthErrorKind[];

/** The description of a status a route answers only through the kinds above. */
export const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'The request cannot be read: a body that is not valid JSON or not a JSON object, or a bad field.',
  401: 'Missing, invalid, expired or revoked token.',
  403: 'The account is disabled, or (cookie mode) the request came from a page of another origin.',
  404: "The token's user or session no longer exists.",
  409: 'Another revocation won the race.',
  413: 'The request body is too large.',
  415: 'The request body is not in a content type the route takes.',
  422: 'A body field the route refuses.',
  429: 'Too many requests from this client: try again after `Retry-After` seconds.',
  500: 'Unexpected error.',
  503: 'The database is unreachable: try again later.',
};
