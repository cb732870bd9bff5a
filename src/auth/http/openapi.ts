import { applyDecorators, SetMetadata, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ErrorMapper } from './error-response.js';

/** Name of the bearer security scheme the documented routes use; the host's document declares it. */
export const AUTH_SECURITY_SCHEME = 'bearer';

/**
 * One documented answer of a route: a success body given as the handler returns it, or the domain error behind an
 * error.
 */
export interface DocumentedAnswer {
  status: number;
  description: string;
  /** A success body; absent for an empty body. */
  body?: unknown;
  /** The error that produces this status: its example is what the route's mapper answers for it. */
  error?: Error;
}

const DOCUMENTED_ANSWERS = Symbol('auth:documented-answers');

interface DocumentedRoute {
  schema: Record<string, unknown>;
  answers: DocumentedAnswer[];
}

/** The mapper options examples are rendered with: the defaults. */
const EXAMPLE_OPTIONS = { systemId: 'core', exposeErrorDetails: false };

/**
 * A documented logout route: tag, summary, bearer security, and every documented status. The
 * examples of its errors are filled in from the route's mapper (see documentAnswers).
 */
export function ApiLogoutRoute(
  summary: string,
  schema: Record<string, unknown>,
  answers: DocumentedAnswer[],
): MethodDecorator {
  return applyDecorators(
    ApiTags('logout'),
    ApiOperation({ summary }),
    ApiBearerAuth(AUTH_SECURITY_SCHEME),
    ApiDocumentedAnswers(schema, answers),
  );
}

/** Every documented status of a route, its errors' examples filled in from the route's mapper (documentAnswers). */
export function ApiDocumentedAnswers(schema: Record<string, unknown>, answers: DocumentedAnswer[]): MethodDecorator {
  const documented: DocumentedRoute = { schema, answers };
  return SetMetadata(DOCUMENTED_ANSWERS, documented);
}

/** Writes the OpenAPI responses of a controller's documented handlers, each error's example produced by `mapper`. */
export function documentAnswers(controller: Type, mapper: ErrorMapper): void {
  for (const key of Object.getOwnPropertyNames(controller.prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(controller.prototype, key);
    const documented: DocumentedRoute | undefined =
      descriptor && typeof descriptor.value === 'function'
        ? Reflect.getMetadata(DOCUMENTED_ANSWERS, descriptor.value)
        : undefined;
    if (!documented || !descriptor) continue;
    for (const { status, description, body, error } of documented.answers) {
      const example = error ? mapper(error, EXAMPLE_OPTIONS).body : body;
      const content =
        example === undefined ? undefined : { 'application/json': { schema: documented.schema, example } };
      ApiResponse({ status, description, content })(controller.prototype, key, descriptor);
    }
  }
}

export const GENERIC_SCHEMA = {
  type: 'object',
  required: ['message'],
  properties: { message: { type: 'string' }, description: { type: 'string' }, code: { type: 'string' } },
};

export const SIGNOUT_ERROR_SCHEMA = {
  type: 'object',
  required: ['error', 'errorId', 'message', 'systemId'],
  properties: {
    message: { type: 'string', description: 'Message displayed to the user.' },
    field: { type: 'string', description: 'Specifies the field in the request that caused the error.' },
    errorId: { type: 'integer', description: 'Identifier of the error.' },
    systemId: { type: 'string', description: 'Identifier of the component.' },
    originalMessage: { type: 'string', description: 'The original error message.' },
    errorStackTrace: { type: 'string', description: 'The place where the error occurred in the code.' },
    data: {
      type: 'object',
      additionalProperties: { type: 'object' },
      description: 'Additional data related to the error.',
    },
    error: { type: 'string', description: 'Identifier of the error.' },
  },
};

export const FIB_SCHEMA = {
  type: 'object',
  required: ['status', 'data'],
  properties: {
    status: {
      type: 'object',
      required: ['code', 'name', 'message'],
      properties: { code: { type: 'integer', format: 'int32' }, name: { type: 'string' }, message: { type: 'string' } },
    },
    data: { type: 'object' },
  },
};

export const V3_ERROR_SCHEMA = { type: 'object', required: ['Message'], properties: { Message: { type: 'string' } } };

/** RFC 6749 section 5.2. */
export const OAUTH_ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'string', description: 'An RFC 6749 error code, e.g. `invalid_request`.' },
    error_description: { type: 'string', description: 'What went wrong, for the developer.' },
  },
};
