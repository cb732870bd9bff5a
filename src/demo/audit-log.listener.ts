import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { AuthEventPayloads } from '../auth/index.js';

/** The demo's audit trail: every session event of the module, one log line each. */
@Injectable()
export class AuditLogListener {
  private readonly logger = new Logger('Audit');

  @OnEvent('auth.**')
  log(payload: AuthEventPayloads[keyof AuthEventPayloads]): void {
    this.logger.log(`${payload.constructor.name} ${JSON.stringify(payload)}`);
  }
}
