import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, createTestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { forgeToken } from './support/tokens.js';
import { breakSessionWrites, deleteUser, disableUser, newUser } from './support/users.js';

type Situation =
  | 'noToken'
  | 'badToken'
  | 'badSignature'
  | 'disabled'
  | 'deletedUser'
  | 'foreignDevice'
  | 'brokenJson'
  | 'unknownField'
  | 'internal';

/** A real request to `path` in the given situation. */
async function answer(app: INestApplication, db: TestDatabase, path: string, situation: Situation) {
  const user = await newUser(app);
  const post = () => request(app.getHttpServer()).post(path);
  switch (situation) {
    case 'noToken':
      return post();
    case 'badToken':
      return post().set('Authorization', 'Bearer not-a-token');
    case 'badSignature':
      return post().set(
        'Authorization',
        `Bearer ${forgeToken({ sub: user.userId, sid: user.sessionId }, { secret: 'x'.repeat(40) })}`,
      );
    case 'disabled':
      await disableUser(app, db, user.userId);
      return post().set('Authorization', user.bearer);
    case 'deletedUser':
      await deleteUser(app, db, user.userId);
      return post().set('Authorization', user.bearer);
    case 'foreignDevice':
      return post().set('Authorization', user.bearer).set('X-DeviceId', 'not-a-device-of-this-user');
    case 'brokenJson':
      return post().set('Authorization', user.bearer).set('Content-Type', 'application/json').send('{"broken');
    case 'unknownField':
      return post().set('Authorization', user.bearer).send({ field: 1 });
    case 'internal': {
      const restore = await breakSessionWrites(db);
      try {
        return await post().set('Authorization', user.bearer);
      } finally {
        await restore();
      }
    }
  }
}

const DOCUMENTED: Record<string, string[]> = {
  '/signout': ['200', '400', '401', '403', '404', '500'],
  '/auth/logout': ['200', '400', '401', '403', '404', '409', '422'],
  '/auth/api/v1/authentication-management/logout': ['200', '401', '404', '422', '500'],
  '/v3/logout': ['200', '401', '403', '404', '500'],
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
    // What the route answers when another revocation wins the race (test/auth-logout produces it).
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

  // Every documented error example, next to what a real request in that situation answers (409: see above).
  const SITUATIONS: Record<string, Record<string, Situation>> = {
    '/signout': {
      '400': 'foreignDevice',
      '401': 'noToken',
      '403': 'disabled',
      '404': 'deletedUser',
      '500': 'internal',
    },
    '/auth/logout': {
      '400': 'brokenJson',
      '401': 'noToken',
      '403': 'disabled',
      '404': 'deletedUser',
      '422': 'unknownField',
    },
    '/auth/api/v1/authentication-management/logout': {
      '401': 'noToken',
      '404': 'deletedUser',
      '422': 'badSignature',
      '500': 'internal',
    },
    '/v3/logout': { '401': 'badToken', '403': 'disabled', '404': 'deletedUser', '500': 'internal' },
  };

  it.each(
    Object.entries(SITUATIONS).flatMap(([path, byStatus]) => Object.entries(byStatus).map(([s, w]) => [path, s, w])),
  )('POST %s: the documented %s example is what the route answers (%s)', async (path, status, situation) => {
    const documented = document.paths[path].post.responses[status].content?.['application/json'].example;
    const response = await answer(app, db, path, situation as Situation);
    expect({ status: response.status, body: response.body }).toEqual({ status: Number(status), body: documented });
  });

  it('documents the /signout device headers and the /v3/logout body', () => {
    expect((document.paths['/signout'].post.parameters ?? []).map((p) => `${p.in}:${p.name}`).toSorted()).toEqual([
      'header:X-DeviceId',
      'header:X-DeviceIdD',
    ]);
    expect(JSON.stringify(document.paths['/v3/logout'].post.requestBody)).toContain('V3LogoutBody');
  });

  it('serves the UI at /docs', async () => {
    const response = await request(app.getHttpServer()).get('/docs').redirects(1).expect(200);
    expect(response.text).toContain('swagger-ui');
  });
});
