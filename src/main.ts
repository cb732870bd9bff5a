import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { createDemoApp } from './demo/create-demo-app.js';
import { openDemoDatabase } from './demo/demo-database.js';
import { readDemoConfig } from './demo/demo.config.js';

const logger = new Logger('Demo');

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  if (!process.env.JWT_SECRET) {
    if (process.env.NODE_ENV === 'production') {
      logger.error('JWT_SECRET is required in production (at least 32 random bytes); refusing to start.');
      process.exit(1);
    }
    process.env.JWT_SECRET = randomBytes(32).toString('base64url');
    logger.warn('JWT_SECRET is not set: using a random one for this run; tokens will not survive a restart.');
  }
  const database = await openDemoDatabase(process.env);
  const config = readDemoConfig(process.env, database.url);
  let app;
  try {
    app = await createDemoApp(config);
  } catch (error) {
    await database.stop();
    throw error;
  }
  const stopDatabase = () => database.stop();
  await app.listen(config.port, '0.0.0.0');
  logger.log(`Listening on http://localhost:${config.port} (${config.adapter})`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void app.close().then(stopDatabase).then(() => process.exit(0));
    });
  }
}

bootstrap().catch((error: unknown) => {
  logger.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
