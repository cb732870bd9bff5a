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

/** The envelope of fib-authentication-management-logout.md, for success and errors alike. */
export interface FibEnvelope {
  status: { code: number; name: string; message: string };
  data: Record<string, never>;
}

export const fibEnvelope = (code: number, name: string, message: string): FibEnvelope => ({
  status: { code, name, message },
  data: {},
});

const FIB_ERRORS = {
  badRequest: [400, 'BAD_REQUEST', 'The request could not be read.'],
  unauthorized: [401, 'UNAUTHORIZED', 'The access token is missing, invalid, expired or revoked.'],
  disabled: [401, 'UNAUTHORIZED', 'The user account is disabled.'],
  crossOrigin: [403, 'FORBIDDEN', "The request's origin is not allowed."],
  userNotFound: [404, 'NOT_FOUND', 'User has not been found.'],
  payloadTooLarge: [413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.'],
  unsupportedMediaType: [415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON.'],
  signature: [422, 'UNPROCESSABLE_ENTITY', 'The access token signature could not be verified.'],
  tooManyRequests: [429, 'TOO_MANY_REQUESTS', 'Too many requests, try again later.'],
  internal: [500, 'INTERNAL_SERVER_ERROR', 'Internal server error.'],
} as const satisfies Record<string, readonly [number, string, string]>;

type FibErrorName = keyof typeof FIB_ERRORS;

const BY_KIND = {
  ...kindsAnsweredBy('unauthorized', [...REFUSED_TOKEN_KINDS, 'missing_token', ...LOST_SESSION_KINDS]),
  token_signature: 'signature',
  user_not_found: 'userNotFound',
  user_disabled: 'disabled',
  ...kindsAnsweredBy('badRequest', BAD_REQUEST_KINDS),
  ...SAME_NAMED_KINDS,
  ...kindsAnsweredBy('internal', GENERIC_ONLY_KINDS),
} as const satisfies Record<AuthErrorKind, FibErrorName>;

/** Domain error -> status and envelope of the FIB spec (`status.code` is the HTTP status). */
export function mapFibError(error: unknown): ErrorResponse<FibEnvelope> {
  const [code, name, message] = FIB_ERRORS[answerName<FibErrorName>(BY_KIND, error, 'internal')];
  return { status: code, body: fibEnvelope(code, name, message) };
}
