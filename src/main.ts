import 'reflect-metadata';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Logger, type INestApplication } from '@nestjs/common';
import { createDemoApp } from './demo/create-demo-app.js';
import { openDemoDatabase } from './demo/demo-database.js';
import { InvalidEnvironmentError, validateDemoEnvironment } from './demo/demo-environment.js';
import { toDemoConfig } from './demo/demo.config.js';
import { closeGracefully } from './demo/graceful-shutdown.js';

const logger = new Logger('Demo');
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** After a clean shutdown nothing should hold the process; if something does, say so rather than hang. */
const EXIT_GRACE_MS = 2000;

/**
 * One handler for SIGINT and SIGTERM, installed before the database starts: a signal during start-up is
 * kept until the app is up, then closes it like any other, so nothing started is left running.
 */
function onStopSignal(): { stopWith(stop: (signal: NodeJS.Signals) => Promise<void>): void } {
  let received: NodeJS.Signals | undefined;
  let stop: ((signal: NodeJS.Signals) => Promise<void>) | undefined;
  const run = (signal: NodeJS.Signals) => {
    void stop!(signal).catch((error: unknown) => {
      logger.error(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
  };
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (received) return logger.log(`${signal} received: already shutting down`);
      received = signal;
      if (stop) run(signal);
    });
  }
  return {
    stopWith(handler) {
      stop = handler;
      if (received) run(received);
    },
  };
}

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { environment, warnings } = validateDemoEnvironment(process.env);
  for (const warning of warnings) logger.warn(warning);
  const signals = onStopSignal();

  const database = await openDemoDatabase(environment);
  let app: INestApplication | undefined;
  try {
    const config = toDemoConfig(environment, database.url);
    app = await createDemoApp(config);
    await app.listen(config.port, '0.0.0.0');
    logger.log(
      `Listening on http://localhost:${(app.getHttpServer().address() as AddressInfo).port} (${config.adapter})`,
    );
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.stop();
    throw error;
  }

  const running = app;
  signals.stopWith(async (signal) => {
    logger.log(`${signal} received: finishing requests in flight, then closing`);
    try {
      await closeGracefully(running, environment.SHUTDOWN_TIMEOUT_MS);
      logger.log('Closed the HTTP server, the revocation listener and the database pool');
    } finally {
      await database.stop();
    }
    setTimeout(() => {
      logger.warn(`Something still holds the process ${EXIT_GRACE_MS} ms after shutdown; exiting anyway`);
      process.exit(0);
    }, EXIT_GRACE_MS).unref();
  });
}

bootstrap().catch((error: unknown) => {
  if (error instanceof InvalidEnvironmentError) {
    const config = new Logger('Environment');
    for (const problem of error.problems) config.error(problem);
    config.error(`Refusing to start: ${error.problems.length} invalid variable(s); .env.example describes each`);
  } else {
    logger.error(error instanceof Error ? error.message : String(error));
  }
  process.exit(1);
});
