import { HttpException, HttpStatus } from '@nestjs/common';
import { AuthError } from '../auth.errors.js';

/** The error body of the generic spec (`POST /auth/logout`). */
export interface GenericErrorBody {
  message: string;
  description: string;
  code: string;
}

export interface GenericErrorResponse {
  status: number;
  body: GenericErrorBody;
}

const respond = (status: number, message: string, description: string, code: string): GenericErrorResponse => ({
  status,
  body: { message, description, code },
});

export const GENERIC_ERRORS = {
  invalidInput: respond(400, 'Invalid input data', 'The request data did not pass validation', 'INVALID_INPUT'),
  unauthorized: respond(401, 'Unauthorized', 'Invalid, expired or missing bearer token', 'UNAUTHORIZED'),
  forbidden: respond(403, 'Forbidden', 'The account is disabled', 'FORBIDDEN'),
  notFound: respond(404, 'Resource not found', 'The requested resource could not be found', 'NOT_FOUND'),
  conflict: respond(409, 'Resource conflict', 'The session was revoked by another request', 'CONFLICT'),
  payloadTooLarge: respond(413, 'Payload too large', 'The request body is too large', 'PAYLOAD_TOO_LARGE'),
  unsupportedMediaType: respond(415, 'Unsupported media type', 'The request body must be JSON', 'UNSUPPORTED_MEDIA_TYPE'),
  validation: respond(422, 'Validation error', 'The request data failed validation rules', 'VALIDATION_ERROR'),
  tooManyRequests: respond(429, 'Too many requests', 'Too many requests, try again later', 'TOO_MANY_REQUESTS'),
  internal: respond(500, 'Internal server error', 'The server could not complete the request', 'INTERNAL_ERROR'),
} as const;

const BY_KIND: Record<string, GenericErrorResponse> = {
  missing_token: GENERIC_ERRORS.unauthorized,
  malformed_token: GENERIC_ERRORS.unauthorized,
  token_signature: GENERIC_ERRORS.unauthorized,
  invalid_token: GENERIC_ERRORS.unauthorized,
  token_expired: GENERIC_ERRORS.unauthorized,
  session_revoked: GENERIC_ERRORS.unauthorized,
  session_expired: GENERIC_ERRORS.unauthorized,
  session_not_found: GENERIC_ERRORS.notFound,
  user_not_found: GENERIC_ERRORS.notFound,
  user_disabled: GENERIC_ERRORS.forbidden,
  session_conflict: GENERIC_ERRORS.conflict,
  unknown_device: GENERIC_ERRORS.invalidInput,
};

const BY_HTTP_STATUS: Record<number, GenericErrorResponse> = {
  [HttpStatus.BAD_REQUEST]: GENERIC_ERRORS.invalidInput,
  [HttpStatus.UNAUTHORIZED]: GENERIC_ERRORS.unauthorized,
  [HttpStatus.FORBIDDEN]: GENERIC_ERRORS.forbidden,
  [HttpStatus.NOT_FOUND]: GENERIC_ERRORS.notFound,
  [HttpStatus.CONFLICT]: GENERIC_ERRORS.conflict,
  [HttpStatus.PAYLOAD_TOO_LARGE]: GENERIC_ERRORS.payloadTooLarge,
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: GENERIC_ERRORS.unsupportedMediaType,
  [HttpStatus.UNPROCESSABLE_ENTITY]: GENERIC_ERRORS.validation,
  [HttpStatus.TOO_MANY_REQUESTS]: GENERIC_ERRORS.tooManyRequests,
};

/** Domain error (or what Nest threw) -> status and body of the generic spec. */
export function mapGenericError(error: unknown): GenericErrorResponse {
  if (error instanceof AuthError) return BY_KIND[error.kind] ?? GENERIC_ERRORS.internal;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return BY_HTTP_STATUS[status] ?? (status < 500 ? GENERIC_ERRORS.invalidInput : GENERIC_ERRORS.internal);
  }
  return GENERIC_ERRORS.internal;
}

/**
 * The same mapping for the host's own routes behind JwtGuard: there a missing
 * session or user is just an invalid token (401), never a 404 that would say
 * which part was missing.
 */
export function mapGuardErrorToGeneric(error: unknown): GenericErrorResponse {
  const mapped = mapGenericError(error);
  return mapped.status === 404 ? GENERIC_ERRORS.unauthorized : mapped;
}
