import { Catch } from '@nestjs/common';
import { SpecExceptionFilter } from '../routes/spec-exception.filter.js';
import { mapGenericError } from './generic-error.mapper.js';

/** Answers every error of `POST /auth/logout` in the generic spec's body. */
@Catch()
export class GenericLogoutExceptionFilter extends SpecExceptionFilter {
  protected readonly mapper = mapGenericError;
}
