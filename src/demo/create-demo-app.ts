import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { AppModule } from '../app.module.js';
import type { DemoConfig } from './demo.config.js';
import { setupOpenApi } from './openapi.js';

/** Builds the demo app on the configured HTTP adapter, ready to `listen` or to be driven by supertest. */
export async function createDemoApp(config: DemoConfig, logger?: LoggerService | LogLevel[] | false): Promise<INestApplication> {
  const module = AppModule.forRoot(config);
  const app =
    config.adapter === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { logger })
      : await NestFactory.create(module, { logger });
  setupOpenApi(app);
  await app.init();
  if (config.adapter === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return app;
}
