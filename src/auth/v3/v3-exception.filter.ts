import { Catch } from '@nestjs/common';
import { SpecExceptionFilter } from '../routes/spec-exception.filter.js';
import { mapV3Error } from './v3-error.mapper.js';

/** Answers every error of `POST /v3/logout` in its spec's body. */
@Catch()
export class V3LogoutExceptionFilter extends SpecExceptionFilter {
  protected readonly mapper = mapV3Error;
}
