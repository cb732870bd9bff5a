import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { replyWith } from '../reply.js';
import { mapGenericError } from './generic-error.mapper.js';

/** Answers every error of `POST /auth/logout` in the generic spec's body. */
@Catch()
export class GenericLogoutExceptionFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const { status, body } = mapGenericError(error);
    replyWith(this.adapterHost, host, error, status, body);
  }
}
