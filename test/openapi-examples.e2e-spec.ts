import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import type { TestDatabase } from './support/test-database.js';
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
  | 'tooLarge'
  | 'notJson'
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
    case 'tooLarge':
      return post()
        .set('Authorization', user.bearer)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ field: 'x'.repeat(2 * 1024 * 1024) }));
    case 'notJson':
      return post().set('Authorization', user.bearer).set('Content-Type', 'text/plain').send('logout please');
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

interface Document {
  paths: Record<string, { post: { responses: Record<string, { content?: Record<string, { example: unknown }> }> } }>;
}

describe.each(ADAPTERS)('OpenAPI examples of the logout routes over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  let document: Document;
  useHost(adapter, (opened) => ({ db, app } = opened));

  beforeAll(() => {
    document = SwaggerModule.createDocument(app, new DocumentBuilder().build()) as unknown as Document;
  });

  // Every documented error example, next to what a real request in that situation answers (409: test/openapi proves it
  // against the answer test/auth-logout produces).
  const SITUATIONS: Record<string, Record<string, Situation>> = {
    '/signout': {
      '400': 'foreignDevice',
      '401': 'noToken',
      '403': 'disabled',
      '404': 'deletedUser',
      '413': 'tooLarge',
      '415': 'notJson',
      '500': 'internal',
    },
    '/auth/logout': {
      '400': 'brokenJson',
      '401': 'noToken',
      '403': 'disabled',
      '404': 'deletedUser',
      '413': 'tooLarge',
      '415': 'notJson',
      '422': 'unknownField',
    },
    '/auth/api/v1/authentication-management/logout': {
      '400': 'brokenJson',
      '401': 'noToken',
      '404': 'deletedUser',
      '413': 'tooLarge',
      '415': 'notJson',
      '422': 'badSignature',
      '500': 'internal',
    },
    '/v3/logout': {
      '400': 'brokenJson',
      '401': 'badToken',
      '403': 'disabled',
      '404': 'deletedUser',
      '413': 'tooLarge',
      '415': 'notJson',
      '500': 'internal',
    },
  };

  it.each(
    Object.entries(SITUATIONS).flatMap(([path, byStatus]) => Object.entries(byStatus).map(([s, w]) => [path, s, w])),
  )('POST %s: the documented %s example is what the route answers (%s)', async (path, status, situation) => {
    const documented = document.paths[path].post.responses[status].content?.['application/json'].example;
    const response = await answer(app, db, path, situation as Situation);
    expect({ status: response.status, body: response.body }).toEqual({ status: Number(status), body: documented });
  });
});
