import { describe, expect, it } from 'vitest';
import { validateResponses, type OpenApiDocument, type RecordedResponse } from './support/openapi-validator.js';

const answer = (status: number, text: string, contentType = 'application/json; charset=utf-8'): RecordedResponse => ({
  method: 'GET',
  operationPath: '/things/{id}',
  path: '/things/1',
  status,
  contentType,
  text,
  body: text ? JSON.parse(text) : {},
});

describe('the response check of the suites (test/support/openapi-recorder.ts)', () => {
  const DOCUMENT: OpenApiDocument = {
    paths: {
      '/things/{id}': {
        get: {
          responses: {
            '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
            '204': {},
          },
        },
      },
    },
    components: {
      schemas: {
        Thing: { type: 'object', required: ['name'], properties: { name: { type: 'string', nullable: true } } },
      },
    },
  };

  it('passes answers the document describes, and names every one that breaks it', () => {
    expect(validateResponses([answer(200, '{"name":null}'), answer(204, '')], DOCUMENT)).toEqual([]);
    expect(
      validateResponses(
        [answer(404, '{}'), answer(200, '{"name":1}'), answer(200, '{"name":"a"}', 'text/html'), answer(204, '{}')],
        DOCUMENT,
      ),
    ).toEqual([
      'GET /things/1 404: status not documented (body {})',
      'GET /things/1 200: body {"name":1} breaks the schema: data/name must be string,null',
      'GET /things/1 200: content type text/html is not the documented application/json',
      'GET /things/1 204: documented without a body, got {}',
    ]);
  });
});
