import { Logger, type ArgumentsHost } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';

const logger = new Logger('AuthModule');

/** Sends a status and JSON body through whichever HTTP adapter the host runs, logging server-side failures. */
export function replyWith(adapterHost: HttpAdapterHost, host: ArgumentsHost, error: unknown, status: number, body: unknown): void {
  if (status >= 500) logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, status);
}
