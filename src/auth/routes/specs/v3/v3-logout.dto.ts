import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsStorableText } from '../../../http/storable-text.decorator.js';

/** Body of `POST /v3/logout`; fields other than `device_token` are ignored. */
export class V3LogoutBody {
  @ApiPropertyOptional({
    description: 'Push notification token that needs to be removed from the server in case of logout.',
    maxLength: 4096,
    example: '_xyz',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  @IsStorableText()
  device_token?: string;
}
