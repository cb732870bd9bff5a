import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { demoEnvironmentVariables } from '../../src/demo/demo-environment.js';
import { recordDemoPort } from './openapi-apps.js';

/** What `npm start` runs; global-setup builds it before the run. */
const MAIN = resolve('dist/src/main.js');

export interface DemoProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far, without colours. */
  output(): string;
  /** Stderr so far, without colours. */
  errors(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
  /** Resolves with the first match of `pattern` in the output; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** The port of the "Listening on" line. */
  listening(timeoutMs?: number): Promise<number>;
  /** Its working directory: relative paths of the demo (`.data/...`) land here. */
  workDir: string;
  /** Stops it if it still runs (SIGTERM, then SIGKILL after 15 s) and removes its working directory. */
  dispose(): Promise<void>;
}

const stripColours = (text: string) => stripVTControlCharacters(text);

/**
 * `node dist/src/main.js` as `npm start` runs it, with `env` as the only demo variables (the runner's
 * own DATABASE_URL or NODE_ENV do not leak in) and a temporary directory as working directory, so no
 * `.env` of the checkout is read.
 */
export function spawnDemo(env: Record<string, string>): DemoProcess {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !demoEnvironmentVariables().includes(name)),
  );
  const workDir = mkdtempSync(join(tmpdir(), 'nest-signout-demo-'));
  const child = spawn(process.execPath, [MAIN], {
    cwd: workDir,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  const changed = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const notify of changed) notify();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    errors += chunk.toString();
    for (const notify of changed) notify();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal, atMs: Date.now() })),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpMatchArray>((found, fail) => {
      const check = () => {
        const match = stripColours(output).match(pattern);
        if (!match) return;
        stop();
        found(match);
      };
      const timer = setTimeout(() => {
        stop();
        fail(new Error(`no ${pattern} within ${timeoutMs} ms:\n${stripColours(output)}`));
      }, timeoutMs);
      const stop = () => {
        clearTimeout(timer);
        changed.delete(check);
      };
      changed.add(check);
      void exited.then(({ code }) => {
        check();
        if (!changed.has(check)) return;
        stop();
        fail(new Error(`exited (${code}) before ${pattern}:\n${stripColours(output)}`));
      });
      check();
    });
  return {
    child,
    output: () => stripColours(output),
    errors: () => stripColours(errors),
    exited,
    waitFor,
    listening: async (timeoutMs) => {
      const port = Number((await waitFor(/Listening on http:\/\/localhost:(\d+)/, timeoutMs))[1]);
      // Its answers are checked against the OpenAPI document (openapi-recorder.ts).
      recordDemoPort(port);
      return port;
    },
    workDir,
    dispose: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        // SIGTERM first, so an embedded PostgreSQL it started is stopped too.
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
