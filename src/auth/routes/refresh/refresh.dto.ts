import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { IsStorableText } from '../../http/storable-text.decorator.js';

export class RefreshBody {
  @ApiProperty({ description: 'The refresh token of the last login or refresh.' })
  @IsString()
  @Length(1, 512)
  @IsStorableText()
  refreshToken: string;
}
