import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsStorableText } from '../auth/index.js';

/** `POST /auth/password`: the current password proves the user, the new one replaces it. */
export class ChangePasswordDto {
  @ApiProperty({ minLength: 1, maxLength: 1024 })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  @IsStorableText()
  currentPassword: string;

  @ApiProperty({ minLength: 8, maxLength: 1024 })
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  @IsStorableText()
  newPassword: string;
}
