import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { AuthCors } from '../auth/index.js';
import { AppModule } from '../app.module.js';
import type { DemoConfig } from './demo.config.js';
import { setupOpenApi } from './openapi.js';

/** Builds the demo app on the configured HTTP adapter, ready to `listen` or to be driven by supertest. */
export async function createDemoApp(
  config: DemoConfig,
  logger?: LoggerService | LogLevel[] | false,
): Promise<INestApplication> {
  const module = AppModule.forRoot(config);
  // While the app closes, requests that arrive answer 503 with `Connection: close`; those in flight finish.
  // A failed start throws (Nest's default aborts the process), so main.ts can stop what it started.
  const options = { logger, return503OnClosing: true, abortOnError: false };
  const app =
    config.adapter === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(
          module,
          new FastifyAdapter({ trustProxy: (_address: string, hop: number) => hop < config.trustProxy }),
          options,
        )
      : await NestFactory.create<NestExpressApplication>(module, options);
  if (config.adapter === 'express') (app as NestExpressApplication).set('trust proxy', config.trustProxy || false);
  // Only pages of the listed origins may read the demo's answers with their cookies; none listed, no CORS at all. The
  // module's routes have the module's own CORS (its `cors` option, set from the same list); Nest's is for the demo's.
  if (config.allowedOrigins.length) {
    const authCors = app.get(AuthCors);
    app.enableCors((request: Parameters<AuthCors['handles']>[0], callback) =>
      callback(
        null,
        authCors.handles(request) ? { origin: false } : { origin: config.allowedOrigins, credentials: true },
      ),
    );
  }
  setupOpenApi(app);
  await app.init();
  if (config.adapter === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return app;
}
