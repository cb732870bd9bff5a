import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, createTestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
// Each spec's own statuses, and what every route answers besides (an unreadable, oversized or non-JSON body, the rate
// limit, an unexpected error; 503 where the spec's mapper has one) and `default`.
const DOCUMENTED: Record<string, string[]> = {
  '/signout': ['200', '400', '401', '403', '404', '413', '415', '429', '500', 'default'],
  '/auth/logout': ['200', '400', '401', '403', '404', '409', '413', '415', '422', '429', '500', '503', 'default'],
  '/auth/api/v1/authentication-management/logout': [
    '200',
    '400',
    '401',
    '403',
    '404',
    '413',
    '415',
    '422',
    '429',
    '500',
    'default',
  ],
  '/v3/logout': ['200', '400', '401', '403', '404', '413', '415', '429', '500', 'default'],
};

interface Operation {
  summary: string;
  security: unknown[];
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: unknown;
  responses: Record<
    string,
    { description: string; content?: Record<string, { example: unknown; schema: { required?: string[] } }> }
  >;
}

describe.each(ADAPTERS)('OpenAPI document over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  let document: {
    paths: Record<string, { post: Operation }>;
    components: { securitySchemes: Record<string, unknown> };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, adapter);
    const response = await request(app.getHttpServer()).get('/docs-json').expect(200).expect('Content-Type', /json/);
    document = response.body;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('declares the bearer security scheme', () => {
    expect(document.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    });
  });

  it.each(Object.entries(DOCUMENTED))(
    'lists POST %s with exactly its documented status codes, secured by the bearer scheme',
    (path, statuses) => {
      const operation = document.paths[path].post;
      expect(Object.keys(operation.responses).toSorted()).toEqual(statuses);
      expect(operation.security).toEqual([{ bearer: [] }]);
      for (const status of statuses.filter((s) => !(path === '/v3/logout' && s === '200'))) {
        const content = operation.responses[status].content?.['application/json'];
        expect(content?.example, `${path} ${status} example`).toBeDefined();
        expect(content?.schema.required, `${path} ${status} schema`).toBeDefined();
      }
    },
  );

  it('carries the specs own example bodies', () => {
    const example = (path: string, status: string) =>
      document.paths[path].post.responses[status].content?.['application/json'].example;
    expect(example('/signout', '200')).toEqual({ result: 'ok' });
    expect(example('/signout', '500')).toEqual({
      error: 'COMMON',
      errorId: 0,
      message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
      systemId: 'core',
    });
    // What the route answers when another revocation wins the race (test/auth-logout produces it; the other
    // examples are compared with real answers in test/openapi-examples).
    expect(example('/auth/logout', '409')).toEqual({
      message: 'Resource conflict',
      description: 'The session was revoked by another request',
      code: 'CONFLICT',
    });
    expect(example('/auth/api/v1/authentication-management/logout', '200')).toEqual({
      status: { code: 200, name: 'OK', message: 'User has been successfully logged out.' },
      data: {},
    });
    expect(example('/v3/logout', '401')).toEqual({ Message: 'Request authorization denied' });
    expect(document.paths['/v3/logout'].post.responses['200'].content).toBeUndefined();
  });

  it('documents the /signout device headers and the /v3/logout body', () => {
    expect((document.paths['/signout'].post.parameters ?? []).map((p) => `${p.in}:${p.name}`).toSorted()).toEqual([
      'header:X-DeviceId',
      'header:X-DeviceIdD',
    ]);
    expect(JSON.stringify(document.paths['/v3/logout'].post.requestBody)).toContain('V3LogoutBody');
  });

  it('lists POST /auth/revoke (RFC 7009): form or JSON, no bearer, RFC 6749 error bodies', () => {
    const operation = document.paths['/auth/revoke'].post;
    expect(operation.summary).toBe('Revoke a refresh or access token, ending its session (RFC 7009)');
    expect(operation.security).toEqual([]);
    expect(Object.keys(operation.responses).toSorted()).toEqual([
      '200',
      '400',
      '413',
      '415',
      '429',
      '500',
      '503',
      'default',
    ]);
    expect(operation.responses['200'].content).toBeUndefined();
    expect(Object.keys((operation.requestBody as { content: object }).content)).toEqual([
      'application/x-www-form-urlencoded',
      'application/json',
    ]);
    const example = (status: string) => operation.responses[status].content?.['application/json'].example;
    expect(example('400')).toEqual({ error: 'invalid_request', error_description: 'token is required' });
    expect(example('503')).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'The service is temporarily unavailable, try again later',
    });
  });

  it('serves the UI at /docs', async () => {
    const response = await request(app.getHttpServer()).get('/docs').redirects(1).expect(200);
    expect(response.text).toContain('swagger-ui');
  });
});
