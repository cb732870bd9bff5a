import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import request from 'supertest';
import { inject } from 'vitest';
import { documentAuthRoutes } from '../../src/auth/index.js';
import type { DemoConfig } from '../../src/demo/demo.config.js';
import { validationDocumentPath } from './global-setup.js';
import type { OpenApiDocument } from './openapi-validator.js';
import { createHost } from './host.js';
import { createTestApp, type Adapter } from './test-app.js';
import { createTestDatabase } from './test-database.js';

/** The demo with every optional route it has: the admin routes. */
export const FULL_DEMO: Partial<DemoConfig> = { adminEmails: ['admin@example.com'] };

/** The document the demo serves at /docs-json, with `overrides` of its settings. */
export async function servedDocument(adapter: Adapter, overrides: Partial<DemoConfig> = {}): Promise<OpenApiDocument> {
  const db = await createTestDatabase();
  let app: INestApplication | undefined;
  try {
    app = await createTestApp(db.url, adapter, overrides);
    const response = await request(app.getHttpServer()).get('/docs-json').expect(200);
    return response.body as OpenApiDocument;
  } finally {
    await app?.close();
    await db.drop();
  }
}

/** The module's document of a host with the routes the demo does not mount (the back-channel logout). */
async function hostOnlyPaths(): Promise<OpenApiDocument['paths']> {
  const db = await createTestDatabase();
  let app: INestApplication | undefined;
  try {
    app = await createHost('express', db.url, {
      backchannelLogout: { providers: [{ issuer: 'https://idp.example.test', clientId: 'nest-signout' }] },
    });
    const document = documentAuthRoutes(app, SwaggerModule.createDocument(app, new DocumentBuilder().build()));
    return (document as unknown as OpenApiDocument).paths;
  } finally {
    await app?.close();
    await db.drop();
  }
}

/**
 * The document every recorded response is checked against: the demo's, admin routes included, plus the module's
 * routes the demo does not mount. Built by the first test file that needs it in the run, then read from its file.
 */
export async function validationDocument(): Promise<OpenApiDocument> {
  const path = validationDocumentPath(inject('runPrefix'));
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as OpenApiDocument;
  const document = await servedDocument('express', FULL_DEMO);
  for (const [template, item] of Object.entries(await hostOnlyPaths())) document.paths[template] ??= item;
  // Written whole, then renamed: a file reading it at the same time sees all of it or nothing.
  const partial = `${path}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(document));
  renameSync(partial, path);
  return document;
}
