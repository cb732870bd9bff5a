import type { Server } from 'node:http';
import { Logger, type INestApplication } from '@nestjs/common';

const IDLE_SWEEP_MS = 50;

/**
 * `app.close()` with bounded, keep-alive-proof draining. Nest 12 closes in this order: new requests
 * answer 503 (`return503OnClosing`), `onModuleDestroy` and `beforeApplicationShutdown` hooks (the
 * revocation listener ends), the HTTP server (it waits for requests in flight), then
 * `onApplicationShutdown` hooks (TypeORM's pool ends), so requests in flight keep their database.
 *
 * Node's `server.close()` ends only the connections idle at that moment: a keep-alive connection whose
 * request finishes later would hold it open for the keep-alive timeout (72 s on Fastify). So idle
 * connections are swept until the server has closed, and after `timeoutMs` the requests still in
 * flight lose their connections.
 */
export async function closeGracefully(
  app: INestApplication,
  timeoutMs: number,
  logger = new Logger('Shutdown'),
): Promise<void> {
  const server = app.getHttpServer() as Server;
  const closing = app.close();
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const deadline = setTimeout(() => {
    logger.warn(`Requests still in flight after ${timeoutMs} ms: closing their connections`);
    server.closeAllConnections();
  }, timeoutMs);
  try {
    await closing;
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
}
