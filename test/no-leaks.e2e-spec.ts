import { createHash } from 'node:crypto';
import { ConsoleLogger, Injectable, Logger, type INestApplication, type LoggerService } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthEventPayloads } from '../src/auth/index.js';
import { ADAPTERS, TEST_SECRET } from './support/constants.js';
import { createHost } from './support/host.js';
import { ROUTE_SPECS } from './support/logout-routes.js';
import { login } from './support/session-client.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { addAccount, breakSessionWrites, breakWritesQuotingTheRow, newUser } from './support/users.js';

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
    // The failing statement was logged by name (the stack stays in the logs, never in a response).
    expect(logger.lines.some((line) => line.includes('AuthModule: REVOKE_SESSION failed'))).toBe(true);
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

/**
 * Nest's ConsoleLogger as an app would run it (text or JSON), every line it writes kept: Nest prints an error's own
 * fields and its `cause`, so this is where a driver error's query, parameters or address would show.
 */
class ConsoleCapture extends ConsoleLogger {
  readonly lines: string[] = [];
  constructor(json: boolean) {
    super({ json, colors: false });
  }
  override log(message: unknown, ...rest: unknown[]) {
    this.capturing(() => super.log(message, ...rest));
  }
  override error(message: unknown, ...rest: unknown[]) {
    this.capturing(() => super.error(message, ...rest));
  }
  override warn(message: unknown, ...rest: unknown[]) {
    this.capturing(() => super.warn(message, ...rest));
  }
  override debug(message: unknown, ...rest: unknown[]) {
    this.capturing(() => super.debug(message, ...rest));
  }
  override verbose(message: unknown, ...rest: unknown[]) {
    this.capturing(() => super.verbose(message, ...rest));
  }
  override fatal(message: unknown, ...rest: unknown[]) {
    this.capturing(() => super.fatal(message, ...rest));
  }
  private capturing(print: () => void): void {
    const { stdout, stderr } = process;
    const [out, err] = [stdout.write, stderr.write];
    const keep = ((chunk: unknown) => this.lines.push(String(chunk)) > 0) as typeof stdout.write;
    stdout.write = keep;
    stderr.write = keep;
    try {
      print();
    } finally {
      stdout.write = out;
      stderr.write = err;
    }
  }
}

const IP = '203.0.113.77';
const USER_AGENT = 'LeakProbe/7.7 (agent-9f3e2c)';
/** A request from the client whose address and user agent must not reach the logs. */
const INTERNAL_ERROR = {
  message: 'Internal server error',
  description: 'The server could not complete the request',
  code: 'INTERNAL_ERROR',
};

const asClient = <T extends request.Test>(call: T): T =>
  call.set('X-Forwarded-For', IP).set('User-Agent', USER_AGENT) as T;

describe.each(ADAPTERS.flatMap((adapter) => [false, true].map((json) => [adapter, json] as const)))(
  'a failing statement is logged by name, without its parameters, over %s (JSON logs: %s)',
  (adapter, json) => {
    let db: TestDatabase;
    let app: INestApplication;
    const logger = new ConsoleCapture(json);

    beforeAll(async () => {
      db = await createTestDatabase();
      app = await createHost(adapter, db.url, { logger, trustProxy: true });
    });
    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });
    const http = () => request(app.getHttpServer());

    /** With writes of `table` failing (the error text quoting the row), `send()` answers 500 with `body`. */
    async function failsWith(
      [table, operation]: [
        Parameters<typeof breakWritesQuotingTheRow>[1],
        Parameters<typeof breakWritesQuotingTheRow>[2],
      ],
      send: () => request.Test,
      body: object,
    ): Promise<void> {
      const restore = await breakWritesQuotingTheRow(db, table, operation);
      try {
        const failed = await send();
        expect({ status: failed.status, body: failed.body }).toEqual({ status: 500, body });
      } finally {
        await restore();
      }
    }

    it('host and module routes answer 500; no log line holds user id, IP, user agent, hash or password', async () => {
      const email = `leak-${adapter}-${json}@example.com`;
      const password = `pw-${adapter}-${json}-7f1c0e`;
      const userId = await addAccount(app, email, password);
      const signedIn = await asClient(http().post('/auth/login')).send({ email, password }).expect(200);
      const { accessToken, refreshToken } = signedIn.body as { accessToken: string; refreshToken: string };
      const hash = createHash('sha256').update(refreshToken).digest();
      logger.lines.length = 0;

      // A host route: the host's login asks SessionService.createSession, and the error reaches Nest's handler.
      await failsWith(
        ['auth_sessions', 'INSERT'],
        () => asClient(http().post('/auth/login')).send({ email, password }),
        {
          statusCode: 500,
          message: 'Internal server error',
        },
      );
      // Module routes: a refresh (its statement carries the token hashes) and logout/all (the user id).
      await failsWith(
        ['auth_refresh_tokens', 'UPDATE'],
        () => asClient(http().post('/auth/refresh')).send({ refreshToken }),
        INTERNAL_ERROR,
      );
      await failsWith(
        ['auth_sessions', 'UPDATE'],
        () => asClient(http().post('/auth/logout/all')).set('Authorization', `Bearer ${accessToken}`),
        INTERNAL_ERROR,
      );

      const hex = hash.toString('hex');
      const secrets = [userId, IP, USER_AGENT, password, hex, hex.slice(0, 23), hash.toString('base64')];
      // `<Buffer 3a 4f ...>`, as util.inspect prints a parameter that is a Buffer.
      secrets.push([...hash.subarray(0, 8)].map((byte) => byte.toString(16).padStart(2, '0')).join(' '));
      expect(logger.lines.filter((line) => secrets.some((secret) => line.includes(secret)))).toEqual([]);
      const log = logger.lines.join('');
      for (const statement of ['CREATE_SESSION', 'ROTATE_REFRESH_TOKEN', 'REVOKE_USER_SESSIONS'])
        expect(log).toContain(`AuthModule: ${statement} failed: PostgreSQL refused it (P0001)`);
    });
  },
);
