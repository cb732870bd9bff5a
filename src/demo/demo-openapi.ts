import { applyDecorators } from '@nestjs/common';
import { ApiDefaultResponse, ApiResponse, type SchemaObject } from '@nestjs/swagger';
import {
  DatabaseUnavailableError,
  GENERIC_ERROR_SCHEMA,
  MissingTokenError,
  SessionLimitReachedError,
  TooManyRequestsError,
  UserDisabledError,
  mapGuardErrorToGeneric,
} from '../auth/index.js';
import { INVALID_INPUT } from './login-validation.pipe.js';

/**
 * What the demo's own routes answer for errors the module does not render: Nest's and the adapters' own bodies (a
 * body too large, an unknown content type on Fastify, an unexpected error), besides the generic body.
 */
const HOST_ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['message'],
  properties: {
    message: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    description: { type: 'string' },
    code: { type: 'string' },
    error: { type: 'string' },
    statusCode: { type: 'integer' },
  },
};

const generic = (example: unknown) => ({ 'application/json': { schema: GENERIC_ERROR_SCHEMA, example } });
const mapped = (error: Error) => generic(mapGuardErrorToGeneric(error).body);

/** A JSON body of `schema`, with the route's real `example`. */
export const jsonBody = (schema: SchemaObject, example: unknown) => ({ 'application/json': { schema, example } });

/** What every demo route may answer besides its own: an unexpected error, in Nest's or the module's body. */
export const ApiDemoDefault = () =>
  ApiDefaultResponse({
    description: "Any other error (413 and 500 among them), in Nest's or the generic body.",
    content: { 'application/json': { schema: HOST_ERROR_SCHEMA } },
  });

/** The answers of JwtGuard on a demo route, in the generic body (the module's `guardErrorMapper`). */
export const ApiGuardAnswers = () =>
  applyDecorators(
    ApiResponse({
      status: 401,
      description: 'Missing, invalid, expired or revoked access token.',
      content: mapped(new MissingTokenError()),
      headers: { 'WWW-Authenticate': { description: 'RFC 6750 section 3.', schema: { type: 'string' } } },
    }),
    ApiResponse({ status: 403, description: 'The account is disabled.', content: mapped(new UserDisabledError()) }),
    ApiResponse({
      status: 503,
      description: 'The database is unreachable: try again later.',
      content: mapped(new DatabaseUnavailableError()),
    }),
  );

/** The rate limit's answer (AuthRateLimitGuard) on a demo route. */
export const ApiRateLimitAnswer = () =>
  ApiResponse({
    status: 429,
    description: 'Too many requests (or failed sign-ins): try again after `Retry-After` seconds.',
    content: mapped(new TooManyRequestsError()),
    headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
  });

/** The session limit's refusal of a sign-in (`refuse` policy). */
export const SESSION_LIMIT_ANSWER = mapped(new SessionLimitReachedError());

/** The demo's 400 for an invalid body, and its 415 for a body that is not JSON. */
export const ApiBodyAnswers = () =>
  applyDecorators(
    ApiResponse({ status: 400, description: 'The body fails validation.', content: generic(INVALID_INPUT) }),
    ApiResponse({
      status: 415,
      description: 'The body is not JSON.',
      content: { 'application/json': { schema: HOST_ERROR_SCHEMA } },
    }),
  );

/** Any route's answer to a body the adapter cannot parse (broken JSON), in the adapter's own body. */
export const ApiUnreadableBodyAnswer = () =>
  ApiResponse({
    status: 400,
    description: 'A body the adapter cannot parse (broken JSON).',
    content: { 'application/json': { schema: HOST_ERROR_SCHEMA } },
  });
