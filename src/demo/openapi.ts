import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentAuthRoutes } from '../auth/index.js';

/**
 * Serves the OpenAPI document at /docs (UI) and /docs-json: the module's routes as AuthModule documents them
 * (documentAuthRoutes adds what depends on its options), and the demo's own.
 */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('nest-signout demo')
    .setDescription(
      'The four documented logout routes, the session routes (refresh, revoke, logout everywhere, the session ' +
        "list, the admin routes when enabled), and the demo's sign-in, password, session events and health routes.",
    )
    .setVersion('0.1.0')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    // Relative: the document describes the server that serves it, whatever its address.
    .addServer('/', 'This server')
    .addTag('logout', 'The four documented logout routes, each in its own spec')
    .addTag('session', "Refresh, revocation and the user's sessions")
    .addTag('admin', "Any user's sessions, for administrators (with the admin extra)")
    .addTag('demo', "The demo's sign-in, password change and session events")
    .addTag('health', 'Health checks for monitoring and probes')
    .build();
  SwaggerModule.setup('docs', app, () => documentAuthRoutes(app, SwaggerModule.createDocument(app, config)), {
    jsonDocumentUrl: 'docs-json',
  });
}
