import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DemoUsersService } from '../src/demo/users/demo-users.service.js';
import { login } from './support/session-client.js';
import { ADAPTERS, DEMO_EMAIL, useTestApp } from './support/test-app.js';
import type { TestDatabase } from './support/test-database.js';

const OTHER = { email: 'other@example.com', password: 'other-password' };

/** The demo's paths under /auth/admin in its OpenAPI document, with their methods. */
async function documentedAdminPaths(app: INestApplication): Promise<Record<string, string[]>> {
  const document = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as {
    paths: Record<string, object>;
  };
  return Object.fromEntries(
    Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/auth/admin'))
      .map(([path, item]) => [path, Object.keys(item).toSorted()]),
  );
}

describe.each(ADAPTERS)('the demo with AUTH_ADMIN_EMAILS, over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  // Another case than the seeded account's: the demo compares emails without case.
  useTestApp(adapter, (opened) => ({ db, app } = opened), { adminEmails: [DEMO_EMAIL.toUpperCase()] });
  const http = () => request(app.getHttpServer());

  it("an admin email lists another user's sessions and ends one (admin); that user may not do the same", async () => {
    await app.get(DemoUsersService).upsertUser(OTHER.email, OTHER.password);
    const admin = await login(app);
    const other = await login(app, { ...OTHER, deviceId: 'phone-1', deviceName: 'Phone', userAgent: 'Safari/18' });

    const listed = await http()
      .get(`/auth/admin/users/${other.userId}/sessions`)
      .set('Authorization', admin.bearer)
      .expect(200);
    expect(listed.body).toEqual({
      sessions: [
        {
          id: other.sessionId,
          current: false,
          deviceId: 'phone-1',
          deviceName: 'Phone',
          ip: expect.stringMatching(/127\.0\.0\.1$/),
          userAgent: 'Safari/18',
          createdAt: expect.any(String),
          lastUsedAt: expect.any(String),
          expiresAt: expect.any(String),
        },
      ],
    });

    const refused = await http()
      .delete(`/auth/admin/users/${admin.userId}/sessions/${admin.sessionId}`)
      .set('Authorization', other.bearer);
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 403,
      body: { message: 'Forbidden', description: 'Administrator rights are required', code: 'FORBIDDEN' },
    });
    await http().get('/auth/me').set('Authorization', admin.bearer).expect(200);

    const ended = await http()
      .delete(`/auth/admin/users/${other.userId}/sessions/${other.sessionId}`)
      .set('Authorization', admin.bearer)
      .expect(200);
    expect(ended.body).toEqual({ message: 'Session revoked', revokedSessions: 1 });
    expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [other.sessionId])).toEqual([
      { revoke_reason: 'admin' },
    ]);
    await http().get('/auth/me').set('Authorization', other.bearer).expect(401);
  });

  it('documents the admin routes', async () => {
    expect(await documentedAdminPaths(app)).toEqual({
      '/auth/admin/users/{userId}/sessions': ['delete', 'get'],
      '/auth/admin/users/{userId}/sessions/{sessionId}': ['delete'],
    });
  });
});

describe.each(ADAPTERS)('the demo without AUTH_ADMIN_EMAILS (the default), over %s', (adapter) => {
  let app: INestApplication;
  useTestApp(adapter, (opened) => ({ app } = opened));

  it('mounts no admin route, and documents none', async () => {
    const admin = await login(app);
    const path = `/auth/admin/users/${admin.userId}/sessions`;
    const response = await request(app.getHttpServer()).get(path).set('Authorization', admin.bearer);
    expect({ status: response.status, body: response.body }).toEqual({
      status: 404,
      body: { message: `Cannot GET ${path}`, error: 'Not Found', statusCode: 404 },
    });
    expect(await documentedAdminPaths(app)).toEqual({});
  });
});
