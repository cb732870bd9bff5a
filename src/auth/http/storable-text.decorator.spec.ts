import { validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { IsStorableText } from './storable-text.decorator.js';

class Body {
  @IsStorableText()
  field: unknown;
}

const errors = (field: unknown) =>
  validateSync(Object.assign(new Body(), { field })).map((error) => error.constraints ?? {});

describe('IsStorableText', () => {
  it.each(['', 'plain', 'ünïcødé', '\u{1F600} a surrogate pair', '\ud83d\ude00', 'x'.repeat(10_000)])(
    'accepts %j',
    (value) => {
      expect(errors(value)).toEqual([]);
    },
  );

  it.each(['\u0000', 'a\u0000b', '\ud800', 'a\udbff', '\udc00b', 'a\udfffb', '\ude00\ud83d', 'ok\ud83d\ude00\ud83d'])(
    'refuses %j, naming the field',
    (value) => {
      expect(errors(value)).toEqual([{ isStorableText: 'field must not contain NUL or unpaired surrogates' }]);
    },
  );

  it('leaves values that are not strings to @IsString()', () => {
    for (const value of [undefined, null, 5, ['\u0000'], { a: '\u0000' }]) expect(errors(value)).toEqual([]);
  });
});
