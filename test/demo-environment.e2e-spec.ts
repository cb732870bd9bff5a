import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoEnvironment, demoEnvironmentVariables, validateDemoEnvironment } from '../src/demo/demo-environment.js';
import { spawnDemo } from './support/demo-process.js';

/** The lines of `.env.example` that set (or, commented out, show) a variable. */
const VARIABLE_LINE = /^(#\s?)?([A-Z][A-Z0-9_]*)=(.*)$/;

/** Every `process.env.X`, `env.X` and `env['X']` in src/main.ts and src/demo (the library reads none). */
function variablesReadByTheDemo(): Map<string, string> {
  const files = [
    'src/main.ts',
    ...readdirSync('src/demo', { recursive: true, encoding: 'utf8' }).map((file) => join('src/demo', file)),
  ];
  const found = new Map<string, string>();
  for (const path of files.filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))) {
    for (const match of readFileSync(path, 'utf8').matchAll(/\benv(?:\.|\[['"])([A-Z][A-Z0-9_]*)/g))
      found.set(match[1], path);
  }
  return found;
}

describe('.env.example', () => {
  const lines = readFileSync('.env.example', 'utf8').split('\n');
  const variables = lines.flatMap((line, index) => {
    const match = VARIABLE_LINE.exec(line);
    return match
      ? [{ name: match[2], value: match[3], commented: Boolean(match[1]), comment: lines[index - 1] ?? '' }]
      : [];
  });

  it('lists exactly the variables the config reader knows, once each', () => {
    expect(variables.map(({ name }) => name).toSorted()).toEqual(demoEnvironmentVariables().toSorted());
  });

  it('gives each variable a comment line of its own', () => {
    for (const { name, comment } of variables) expect(comment, name).toMatch(/^# (?![A-Z][A-Z0-9_]*=)\S/);
  });

  it('shows each default as the value, and leaves the variables without a default commented out', () => {
    const defaults = new DemoEnvironment() as unknown as Record<string, unknown>;
    for (const { name, value, commented } of variables) {
      expect({ name, value: commented ? undefined : value }).toEqual({
        name,
        value: defaults[name] === undefined ? undefined : String(defaults[name]),
      });
    }
  });

  it('is itself a valid environment', () => {
    expect(() => validateDemoEnvironment(parseEnv(readFileSync('.env.example', 'utf8')))).not.toThrow();
  });

  it('the demo reads no variable outside that set (src/main.ts and src/demo)', () => {
    const read = variablesReadByTheDemo();
    expect(read.size).toBeGreaterThan(5);
    for (const [name, path] of read) expect(demoEnvironmentVariables(), `${name} in ${path}`).toContain(name);
  });
});

/** The problem lines of stderr: `[Nest] pid - date ERROR [Environment] <problem>`. */
const problemLines = (stderr: string) => [...stderr.matchAll(/ERROR \[Environment\] (.*)$/gm)].map((match) => match[1]);

describe('node dist/src/main.js with an invalid environment', () => {
  /** A TCP server named by DATABASE_URL: the demo must give up before it connects anywhere. */
  let database: Server;
  let connections = 0;
  let databaseUrl: string;

  beforeAll(async () => {
    database = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => database.listen(0, '127.0.0.1', resolve));
    databaseUrl = `postgres://postgres@127.0.0.1:${(database.address() as AddressInfo).port}/never`;
  });
  afterAll(() => new Promise<void>((resolve) => database.close(() => resolve())));

  it.each([
    ['PORT=abc', { PORT: 'abc' }, ['PORT must be an integer from 0 to 65535 (got "abc")']],
    ['HTTP_ADAPTER=koa', { HTTP_ADAPTER: 'koa' }, ['HTTP_ADAPTER must be fastify or express (got "koa")']],
    [
      'AUTH_REVOCATION=sometimes',
      { AUTH_REVOCATION: 'sometimes' },
      ['AUTH_REVOCATION must be cached or strict (got "sometimes")'],
    ],
    [
      'a negative number',
      { AUTH_RATE_LIMIT_PER_MINUTE: '-10' },
      ['AUTH_RATE_LIMIT_PER_MINUTE must be an integer from 0 to 9007199254740991 (got "-10")'],
    ],
    [
      'all of them at once',
      { PORT: 'abc', HTTP_ADAPTER: 'koa', AUTH_REVOCATION: 'sometimes', DB_TIMEOUT_MS: '-1' },
      [
        'PORT must be an integer from 0 to 65535 (got "abc")',
        'HTTP_ADAPTER must be fastify or express (got "koa")',
        'AUTH_REVOCATION must be cached or strict (got "sometimes")',
        'DB_TIMEOUT_MS must be an integer from 1 to 2147483647 ms (got "-1")',
      ],
    ],
    // Empty is unset.
    [
      'production without JWT_SECRET',
      { NODE_ENV: 'production', JWT_SECRET: '' },
      ['JWT_SECRET is required when NODE_ENV=production (generate one with: openssl rand -base64 32)'],
    ],
    [
      'production with a 31-byte JWT_SECRET',
      { NODE_ENV: 'production', JWT_SECRET: 'thirty-one-bytes-of-weak-secret' },
      ['JWT_SECRET must be at least 32 bytes (generate one with: openssl rand -base64 32)'],
    ],
  ])('%s: one line per problem naming the variable, exit code 1, nothing started', async (_case, env, problems) => {
    const before = connections;
    const demo = spawnDemo({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: 'a-development-secret-of-32-bytes!',
      PORT: '0',
      ...env,
    });
    try {
      const { code } = await demo.exited;
      expect(code).toBe(1);
      expect(problemLines(demo.errors())).toEqual([
        ...problems,
        `Refusing to start: ${problems.length} invalid variable(s); .env.example describes each`,
      ]);
      expect(demo.output()).not.toMatch(/Starting Nest application|Listening on|PostgreSQL/);
      expect(demo.output()).not.toContain('thirty-one-bytes');
      expect(connections).toBe(before);
    } finally {
      await demo.dispose();
    }
  });
});
