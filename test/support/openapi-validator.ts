import { Ajv, type ValidateFunction } from 'ajv';

/** What the recorder keeps of one response a suite received. */
export interface RecordedResponse {
  method: string;
  /** The path template of the document the response belongs to, e.g. `/auth/sessions/{id}`. */
  operationPath: string;
  /** The path as requested, for the report. */
  path: string;
  status: number;
  contentType: string | undefined;
  /** The raw body text; empty for none. */
  text: string;
  /** The parsed JSON body, when there was one. */
  body: unknown;
}

type Schema = Record<string, unknown>;
interface MediaType {
  schema?: Schema;
}
interface Response {
  content?: Record<string, MediaType>;
}
interface Operation {
  responses: Record<string, Response>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** The OpenAPI 3.0 schema as JSON Schema: references inlined, `nullable` as a `null` type. */
export function toJsonSchema(schema: unknown, document: OpenApiDocument): unknown {
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item, document));
  if (typeof schema !== 'object' || schema === null) return schema;
  const { $ref, nullable, example: _example, ...rest } = schema as Schema;
  if (typeof $ref === 'string')
    return toJsonSchema(document.components?.schemas?.[$ref.replace('#/components/schemas/', '')], document);
  const converted = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, toJsonSchema(value, document)]),
  );
  if (nullable !== true) return converted;
  if (typeof converted.type === 'string') return { ...converted, type: [converted.type, 'null'] };
  return { anyOf: [converted, { type: 'null' }] };
}

const mediaTypeOf = (contentType: string | undefined) => contentType?.split(';')[0].trim().toLowerCase();

/** Checks recorded responses against the document's operations; returns one line per response that breaks it. */
export function validateResponses(records: RecordedResponse[], document: OpenApiDocument): string[] {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const compiled = new Map<object, ValidateFunction>();
  const validatorOf = (schema: Schema) => {
    let validate = compiled.get(schema);
    if (!validate) compiled.set(schema, (validate = ajv.compile(toJsonSchema(schema, document) as object)));
    return validate;
  };
  const failures: string[] = [];
  for (const record of records) {
    const operation = document.paths[record.operationPath]?.[record.method.toLowerCase()];
    if (!operation) continue;
    const where = `${record.method} ${record.path} ${record.status}`;
    const response = operation.responses[String(record.status)] ?? operation.responses.default;
    if (!response) {
      failures.push(`${where}: status not documented (body ${record.text.slice(0, 200)})`);
      continue;
    }
    if (!response.content) {
      if (record.text !== '') failures.push(`${where}: documented without a body, got ${record.text.slice(0, 200)}`);
      continue;
    }
    const mediaType = mediaTypeOf(record.contentType);
    const content = mediaType === undefined ? undefined : response.content[mediaType];
    if (!content) {
      const documented = Object.keys(response.content).join(', ');
      failures.push(`${where}: content type ${record.contentType} is not the documented ${documented}`);
      continue;
    }
    if (mediaType !== 'application/json' || !content.schema) continue;
    const validate = validatorOf(content.schema);
    if (!validate(record.body))
      failures.push(
        `${where}: body ${record.text.slice(0, 300)} breaks the schema: ${ajv.errorsText(validate.errors)}`,
      );
  }
  return failures;
}
