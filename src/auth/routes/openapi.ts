import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

/** Name of the bearer security scheme the documented routes use; the host's document declares it. */
export const AUTH_SECURITY_SCHEME = 'bearer';

export interface DocumentedResponse {
  status: number;
  description: string;
  /** The spec's own example body; absent for an empty body. */
  example?: unknown;
}

/** A documented logout route: tag, summary, bearer security and every documented status with its schema and example. */
export function ApiLogoutRoute(
  summary: string,
  schema: Record<string, unknown>,
  responses: DocumentedResponse[],
): MethodDecorator {
  return applyDecorators(
    ApiTags('logout'),
    ApiOperation({ summary }),
    ApiBearerAuth(AUTH_SECURITY_SCHEME),
    ...responses.map(({ status, description, example }) =>
      ApiResponse({
        status,
        description,
        content: example === undefined ? undefined : { 'application/json': { schema, example } },
      }),
    ),
  );
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
