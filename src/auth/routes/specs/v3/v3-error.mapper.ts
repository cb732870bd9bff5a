import type { AuthErrorKind } from '../../../errors/auth.errors.js';
import {
  type ErrorResponse,
  BAD_REQUEST_KINDS,
  GENERIC_ONLY_KINDS,
  LOST_SESSION_KINDS,
  REFUSED_TOKEN_KINDS,
  SAME_NAMED_KINDS,
  answerName,
  kindsAnsweredBy,
} from '../../../http/error-response.js';

/** The error body of signinghub-v3-logout.txt (`POST /v3/logout`). */
export interface V3ErrorBody {
  Message: string;
}

const V3_ERRORS = {
  badRequest: [400, 'Invalid request body'],
  authenticationRequired: [401, 'User authentication required'],
  authorizationDenied: [401, 'Request authorization denied'],
  disabled: [403, 'Account is disabled'],
  crossOrigin: [403, "The request's origin is not allowed"],
  userNotFound: [404, 'User not found'],
  payloadTooLarge: [413, 'Request body is too large'],
  unsupportedMediaType: [415, 'Request body must be JSON'],
  tooManyRequests: [429, 'Too many requests'],
  internal: [500, 'An internal server error occurred while processing the request'],
} as const satisfies Record<string, readonly [number, string]>;

type V3ErrorName = keyof typeof V3_ERRORS;

const BY_KIND = {
  missing_token: 'authenticationRequired',
  ...kindsAnsweredBy('authorizationDenied', [...REFUSED_TOKEN_KINDS, ...LOST_SESSION_KINDS]),
  user_disabled: 'disabled',
  user_not_found: 'userNotFound',
  ...kindsAnsweredBy('badRequest', BAD_REQUEST_KINDS),
  ...SAME_NAMED_KINDS,
  ...kindsAnsweredBy('internal', GENERIC_ONLY_KINDS),
} as const satisfies Record<AuthErrorKind, V3ErrorName>;

/** Domain error -> status and body of the SigningHub v3 spec. */
export function mapV3Error(error: unknown): ErrorResponse<V3ErrorBody> {
  const [status, Message] = V3_ERRORS[answerName<V3ErrorName>(BY_KIND, error, 'internal')];
  return { status, body: { Message } };
}
