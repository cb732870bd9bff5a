import { Ajv, type ValidateFunction } from 'ajv';

/**
 * JSON Schemas of every body each documented route may answer, written from
 * its spec document (not from the code): the fuzz suite checks every answer
 * against them.
 */
const strings = (...names: string[]) =>
  Object.fromEntries(names.map((name) => [name, { type: 'string', minLength: 1 }]));
const closed = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

export const ROUTE_SCHEMAS = {
  '/signout': {
    success: closed({ result: { const: 'ok' } }),
    error: closed({ ...strings('error', 'message', 'systemId', 'field'), errorId: { type: 'integer', minimum: 0 } }, [
      'error',
      'errorId',
      'message',
      'systemId',
    ]),
  },
  '/auth/logout': {
    success: closed(strings('message')),
    error: closed(strings('message', 'description', 'code')),
  },
  '/auth/api/v1/authentication-management/logout': {
    success: closed({
      status: closed({ code: { const: 200 }, ...strings('name', 'message') }),
      data: { type: 'object' },
    }),
    error: closed({
      status: closed({ code: { type: 'integer', minimum: 400, maximum: 599 }, ...strings('name', 'message') }),
      data: closed({}),
    }),
  },
  '/v3/logout': {
    // 200 has an empty body.
    success: null,
    error: closed(strings('Message')),
  },
} as const;

export type RoutePath = keyof typeof ROUTE_SCHEMAS;

const ajv = new Ajv({ allErrors: true, strict: true });
const compiled = new Map<object, ValidateFunction>();

/**
 * Validates one answer of a route: the success schema for 2xx, the error schema otherwise. Returns ajv's
 * errors, or null when valid.
 */
export function schemaErrors(path: RoutePath, status: number, body: unknown, text: string): string | null {
  const schemas = ROUTE_SCHEMAS[path];
  if (status < 300 && schemas.success === null)
    return text === '' ? null : `expected an empty body, got ${text.slice(0, 80)}`;
  const schema = (status < 300 ? schemas.success : schemas.error) as object;
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
  return validate(body) ? null : ajv.errorsText(validate.errors);
}
