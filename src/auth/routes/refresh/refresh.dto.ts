import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, ValidateIf } from 'class-validator';
import { IsStorableText } from '../../http/storable-text.decorator.js';

export class RefreshBody {
  @ApiProperty({
    description:
      'The refresh token of the last login or refresh. In cookie mode it may come in the refresh cookie instead.',
    required: false,
  })
  // Absent is allowed (the cookie may carry it); null is not a token.
  @ValidateIf((_body, value) => value !== undefined)
  @IsString()
  @Length(1, 512)
  @IsStorableText()
  refreshToken?: string;
}
