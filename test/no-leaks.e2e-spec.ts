import { Injectable, Logger, type INestApplication, type LoggerService } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthEventPayloads } from '../src/auth/index.js';
import { ADAPTERS, TEST_SECRET } from './support/constants.js';
import { createHost } from './support/host.js';
import { ROUTE_SPECS } from './support/logout-routes.js';
import { login } from './support/session-client.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { breakSessionWrites, newUser } from './support/users.js';

/** Every line the application logs, at every level, as it would reach a log shipper. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private capture(...parts: unknown[]): void {
    this.lines.push(
      parts
        .map((part) =>
          part instanceof Error
            ? `${part.message} ${part.stack}`
            : typeof part === 'string'
              ? part
              : JSON.stringify(part),
        )
        .join(' '),
    );
  }
  log(...parts: unknown[]) {
    this.capture(...parts);
  }
  error(...parts: unknown[]) {
    this.capture(...parts);
  }
  warn(...parts: unknown[]) {
    this.capture(...parts);
  }
  debug(...parts: unknown[]) {
    this.capture(...parts);
  }
  verbose(...parts: unknown[]) {
    this.capture(...parts);
  }
  fatal(...parts: unknown[]) {
    this.capture(...parts);
  }
}

/** The host's audit trail, as the demo keeps one: every session event of the module, one log line each. */
@Injectable()
class AuditLog {
  private readonly logger = new Logger('Audit');

  @OnEvent('auth.**')
  log(payload: AuthEventPayloads[keyof AuthEventPayloads]): void {
    this.logger.log(`${payload.constructor.name} ${JSON.stringify(payload)}`);
  }
}

describe.each(ADAPTERS)('no secrets in logs or error bodies over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  const logger = new CapturingLogger();
  const secrets = new Set<string>([TEST_SECRET]);
  const bodies: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createHost(adapter, db.url, { logger, providers: [AuditLog] });
    logger.lines.length = 0;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });
  const http = () => request(app.getHttpServer());
  const keep = <T extends { text: string }>(response: T): T => {
    if ((response as unknown as { status: number }).status >= 400) bodies.push(response.text);
    return response;
  };

  it('runs every route, their failures and a failing database, with audit logging on', async () => {
    const user = await newUser(app, { deviceId: 'phone' });
    for (const value of [user.password, user.accessToken, user.refreshToken]) secrets.add(value);
    const refreshed = await http().post('/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
    secrets.add(refreshed.body.accessToken);
    secrets.add(refreshed.body.refreshToken);
    keep(await http().post('/auth/refresh').send({ refreshToken: user.refreshToken }));
    keep(
      await http()
        .post('/auth/login')
        .send({ email: user.email, password: `${user.password}-wrong` }),
    );
    secrets.add(`${user.password}-wrong`);
    for (const route of ROUTE_SPECS) {
      const session = await login(app, { email: user.email, password: user.password });
      secrets.add(session.accessToken);
      secrets.add(session.refreshToken);
      await http().get('/auth/sessions').set('Authorization', session.bearer).expect(200);
      await http().post(route.path).set('Authorization', session.bearer).expect(200);
      keep(await http().post(route.path).set('Authorization', session.bearer));
      keep(await http().post(route.path).set('Authorization', `Bearer ${session.accessToken}x`));
    }
    const last = await login(app, { email: user.email, password: user.password });
    secrets.add(last.accessToken);
    secrets.add(last.refreshToken);
    const restore = await breakSessionWrites(db);
    try {
      for (const route of ROUTE_SPECS)
        expect(keep(await http().post(route.path).set('Authorization', last.bearer)).status).toBe(500);
      expect(keep(await http().post('/auth/logout/all').set('Authorization', last.bearer)).status).toBe(500);
    } finally {
      await restore();
    }
    await http().post('/auth/logout/all').set('Authorization', last.bearer).expect(200);
  });

  it('no access token, refresh token, password or signing secret appears in any log line', () => {
    expect(logger.lines.length).toBeGreaterThan(10);
    // The failing database was logged (the stack stays in the logs, never in a response).
    expect(logger.lines.some((line) => line.includes('simulated failure'))).toBe(true);
    const leaks = logger.lines.filter((line) => [...secrets].some((secret) => line.includes(secret)));
    expect(leaks).toEqual([]);
  });

  it('no stack trace, SQL or internal detail reaches an error body (exposeErrorDetails is off)', () => {
    expect(bodies.length).toBeGreaterThan(10);
    expect(
      bodies.filter((body) =>
        /simulated|secret_internal_detail|UPDATE |SELECT |auth_sessions|\bat .*\.(?:js|ts):\d+/.test(body),
      ),
    ).toEqual([]);
    expect(bodies.filter((body) => [...secrets].some((secret) => body.includes(secret)))).toEqual([]);
  });
});
