import { Catch } from '@nestjs/common';
import { SpecExceptionFilter } from '../routes/spec-exception.filter.js';
import { mapSignoutError } from './signout-error.mapper.js';

/** Answers every error of `POST /signout` in its spec's body. */
@Catch()
export class SignoutExceptionFilter extends SpecExceptionFilter {
  protected readonly mapper = mapSignoutError;
}
