import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';

/** The generic spec's 400 body, as the module's own routes answer it. */
export const INVALID_INPUT = {
  message: 'Invalid input data',
  description: 'The request data did not pass validation',
  code: 'INVALID_INPUT',
};

/** A login body is flat; ValidationPipe's class-transformer recurses once per level and overflows far deeper. */
const MAX_BODY_DEPTH = 32;

/** More than `limit` levels of objects and arrays; recurses at most `limit + 1` deep, whatever the value. */
function deeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return limit === 0 || Object.values(value).some((child) => deeperThan(child, limit - 1));
}

/**
 * The login body's validation: unknown fields and a body nested too deeply (refused before class-transformer sees
 * it) fail like any invalid field, with the generic 400.
 */
export class LoginValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      exceptionFactory: () => new BadRequestException(INVALID_INPUT),
    });
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (deeperThan(value, MAX_BODY_DEPTH)) throw new BadRequestException(INVALID_INPUT);
    return super.transform(value, metadata);
  }
}
