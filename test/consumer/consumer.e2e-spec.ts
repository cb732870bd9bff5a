import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, TEST_SECRET } from '../support/constants.js';
import { ROUTE_SPECS } from '../support/logout-routes.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The module as a user gets it: `npm pack` of this repository, installed into a separate host app
 * (test/consumer/app: its own TypeORM connection with ConfigService, its own accounts table as the
 * AuthUserStore, the module's migrations in its own list, a global prefix, its own route behind
 * JwtGuard), compiled with its own TypeScript and run as its own process on each HTTP adapter.
 * README "Use it in your app" shows this app's code.
 */
const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const PREFIX = '/api';
const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};

let workDir: string;
let appDir: string;
let packedFiles: string[];

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'nest-signout-consumer-'));
  // dist/ is built by the run's global setup; `npm pack` would build it again through `prepack`.
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', workDir], { cwd: ROOT });
  const [tarball] = readdirSync(workDir).filter((name) => name.endsWith('.tgz'));
  renameSync(join(workDir, tarball), join(workDir, 'nest-signout.tgz'));
  packedFiles = (await run('tar', ['-tzf', join(workDir, 'nest-signout.tgz')])).stdout.trim().split('\n');
  appDir = join(workDir, 'app');
  cpSync(join(ROOT, 'test/consumer/app'), appDir, { recursive: true });
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: appDir });
  await run('npm', ['run', 'build'], { cwd: appDir });
}, 300_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('README "Use it in your app"', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it in your app'), readme.indexOf('### Options'));
  const shown = [...section.matchAll(/```ts\n\/\/ (\S+)\n([\s\S]*?)\n```/g)].map(([, path, code]) => ({ path, code }));

  it('shows the host app’s module, user store, controller and bootstrap', () => {
    expect(shown.map(({ path }) => path)).toEqual([
      'src/app.module.ts',
      'src/accounts/accounts.service.ts',
      'src/app.controller.ts',
      'src/main.ts',
    ]);
  });

  it.each(shown)('shows $path exactly as the tested app has it', ({ path, code }) => {
    expect(code).toBe(readFileSync(join(ROOT, 'test/consumer/app', path), 'utf8').trimEnd());
  });
});

/** What the package may hold: its manifest, readme and licence, the library's build and its migrations. */
const PACKABLE =
  /^package\/(package\.json|README\.md|LICENSE|dist\/src\/auth\/.+\.(js|d\.ts)|dist\/migrations\/[^/]+\.(js|d\.ts))$/;

describe('the packed package', () => {
  it('holds the library, its declarations and its migrations, and nothing of the demo, the tests or the bench', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/README.md',
        'package/dist/src/auth/index.js',
        'package/dist/src/auth/index.d.ts',
        'package/dist/migrations/index.js',
      ]),
    );
    expect(packedFiles.filter((file) => !PACKABLE.test(file))).toEqual([]);
    expect(packedFiles.filter((file) => /\/(demo|bench|test)\/|\.spec\./.test(file))).toEqual([]);
  });

  it('is what the host app resolves `nest-signout` to', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', "console.log(import.meta.resolve('nest-signout'))"],
      { cwd: appDir },
    );
    expect(stdout.trim()).toBe(`file://${join(appDir, 'node_modules/nest-signout/dist/src/auth/index.js')}`);
  });
});

describe.each(ADAPTERS)('a host app using the installed package (%s)', (adapter) => {
  let db: TestDatabase;
  let app: ChildProcess;
  let output = '';
  let base: string;
  const http = () => request(base);

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = spawn(process.execPath, ['dist/main.js'], {
      cwd: appDir,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.url,
        JWT_SECRET: TEST_SECRET,
        PORT: String(port),
        HTTP_ADAPTER: adapter,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stdout!.on('data', (chunk) => (output += chunk));
    app.stderr!.on('data', (chunk) => (output += chunk));
    for (let attempt = 0; ; attempt++) {
      if (app.exitCode !== null || attempt > 300) throw new Error(`the host app did not start:\n${output}`);
      const answered = await fetch(`${base}${PREFIX}/profile`).catch(() => null);
      if (answered) break;
      await sleep(100);
    }
  }, 60_000);

  afterAll(async () => {
    if (app && app.exitCode === null) {
      const exited = once(app, 'exit');
      app.kill('SIGTERM');
      await exited;
    }
    await db?.drop();
  });

  const signIn = async (email: string) => {
    await http().post(`${PREFIX}/accounts`).send({ email, password: 'correct horse battery' }).expect(201);
    const { body } = await http()
      .post(`${PREFIX}/login`)
      .send({ email, password: 'correct horse battery' })
      .expect(200);
    return body as { accessToken: string; sessionId: string };
  };

  it('ran its own migration and the module’s from one migrations list (TypeORM orders them by timestamp)', async () => {
    expect(await db.query(`SELECT name FROM migrations ORDER BY id`)).toEqual([
      { name: 'CreateAuthTables1763700000000' },
      { name: 'CreateRefreshTokens1763700000002' },
      { name: 'SessionCleanupIndexes1763700000003' },
      { name: 'RevocationNotify1763700000004' },
      { name: 'ClearEndedDevicePushTokens1763700000005' },
      { name: 'CreateSignInAttempts1763700000006' },
      { name: 'SessionPolicies1763700000007' },
      { name: 'RevocationNotifyDetails1763700000008' },
      { name: 'SessionIdentityProvider1763700000009' },
      { name: 'SessionIdTokenHint1763700000010' },
      { name: 'RevocationNotifyCommitTime1763700000011' },
      { name: 'CreateAccounts1800000000000' },
    ]);
  });

  it('refuses its own route without a token, in the module’s guard body', async () => {
    await http().get(`${PREFIX}/profile`).expect(401, UNAUTHORIZED);
  });

  it.each(ROUTE_SPECS)(
    'signs in, uses its own route, logs out at $path (under its prefix), and is refused after',
    async (route) => {
      const session = await signIn(`${route.name}-${adapter}@example.com`);
      const [account] = await db.query<{ id: string }>(`SELECT id FROM accounts WHERE email = $1`, [
        `${route.name}-${adapter}@example.com`,
      ]);
      const bearer = `Bearer ${session.accessToken}`;
      await http()
        .get(`${PREFIX}/profile`)
        .set('Authorization', bearer)
        .expect(200, { userId: account.id, sessionId: session.sessionId });

      const logout = await http().post(`${PREFIX}${route.path}`).set('Authorization', bearer);
      expect({ status: logout.status, body: route.ok === undefined ? logout.text : logout.body }).toEqual({
        status: 200,
        body: route.ok ?? '',
      });

      await http().get(`${PREFIX}/profile`).set('Authorization', bearer).expect(401, UNAUTHORIZED);
      const again = await http().post(`${PREFIX}${route.path}`).set('Authorization', bearer);
      expect({ status: again.status, body: again.body }).toEqual({ status: route.revoked[0], body: route.revoked[1] });
    },
  );

  it('a password change ends the other sessions of the account (credentials_changed) and keeps this one', async () => {
    const email = `password-${adapter}@example.com`;
    const current = await signIn(email);
    const { body: other } = await http()
      .post(`${PREFIX}/login`)
      .send({ email, password: 'correct horse battery' })
      .expect(200);
    const bearer = `Bearer ${current.accessToken}`;
    await http()
      .post(`${PREFIX}/password`)
      .set('Authorization', bearer)
      .send({ password: 'wrong', newPassword: 'a new password' })
      .expect(401);
    const changed = await http()
      .post(`${PREFIX}/password`)
      .set('Authorization', bearer)
      .send({ password: 'correct horse battery', newPassword: 'a new password' });
    expect({ status: changed.status, body: changed.body }).toEqual({ status: 200, body: { endedSessions: 1 } });
    await http().get(`${PREFIX}/profile`).set('Authorization', `Bearer ${other.accessToken}`).expect(401, UNAUTHORIZED);
    await http().get(`${PREFIX}/profile`).set('Authorization', bearer).expect(200);
    expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [other.sessionId])).toEqual([
      { revoke_reason: 'credentials_changed' },
    ]);
    await http().post(`${PREFIX}/login`).send({ email, password: 'a new password' }).expect(200);
  });

  it('limits failed sign-ins per account: past 5, even the right password answers 429 with Retry-After', async () => {
    const email = `throttled-${adapter}@example.com`;
    await http().post(`${PREFIX}/accounts`).send({ email, password: 'correct horse battery' }).expect(201);
    for (let i = 0; i < 5; i++) {
      await http()
        .post(`${PREFIX}/login`)
        .send({ email, password: `wrong-${i}` })
        .expect(401, { message: 'Unauthorized', statusCode: 401 });
    }
    const refused = await http().post(`${PREFIX}/login`).send({ email, password: 'correct horse battery' });
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 429,
      body: {
        message: 'Too many requests',
        description: 'Too many requests, try again later',
        code: 'TOO_MANY_REQUESTS',
      },
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await db.query(`SELECT key FROM auth_sign_in_attempts WHERE key LIKE '%example.com%'`)).toEqual([]);
  });

  it('ends every session of an account its own user store reports disabled', async () => {
    const session = await signIn(`disabled-${adapter}@example.com`);
    await db.query(`UPDATE accounts SET active = false WHERE email = $1`, [`disabled-${adapter}@example.com`]);
    // The guard's cache may hold the session for up to revocation.maxEntryAgeMs (5 s) after the host's own change.
    let refused: request.Response | undefined;
    for (let attempt = 0; attempt < 80; attempt++) {
      refused = await http().get(`${PREFIX}/profile`).set('Authorization', `Bearer ${session.accessToken}`);
      if (refused.status !== 200) break;
      await sleep(100);
    }
    expect({ status: refused!.status, body: refused!.body }).toEqual({
      status: 403,
      body: { message: 'Forbidden', description: 'The account is disabled', code: 'FORBIDDEN' },
    });
    expect(await db.query(`SELECT revoke_reason FROM auth_sessions WHERE id = $1`, [session.sessionId])).toEqual([
      { revoke_reason: 'user_disabled' },
    ]);
  });
});
