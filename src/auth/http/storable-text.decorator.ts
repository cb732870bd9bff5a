import { ValidateBy, type ValidationOptions } from 'class-validator';
import { UNSTORABLE_TEXT, unstorableTextMessage } from '../auth.constants.js';

/**
 * class-validator constraint: a string PostgreSQL text can hold (no NUL, no lone UTF-16 surrogate), so a
 * hostile value is a validation error of its field instead of a failing statement. Values that are not
 * strings pass: `@IsString()` refuses those.
 */
export function IsStorableText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStorableText',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !UNSTORABLE_TEXT.test(value),
        defaultMessage: (args) => unstorableTextMessage(args?.property ?? 'value'),
      },
    },
    options,
  );
}
