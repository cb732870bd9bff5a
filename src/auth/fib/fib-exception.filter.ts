import { Catch } from '@nestjs/common';
import { SpecExceptionFilter } from '../routes/spec-exception.filter.js';
import { mapFibError } from './fib-error.mapper.js';

/** Answers every error of `POST /auth/api/v1/authentication-management/logout` in its envelope. */
@Catch()
export class FibLogoutExceptionFilter extends SpecExceptionFilter {
  protected readonly mapper = mapFibError;
}
