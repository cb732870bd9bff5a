import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsStorableText } from '../auth/index.js';

/** `POST /auth/password`: the current password proves the user, the new one replaces it. */
export class ChangePasswordDto {
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  @IsStorableText()
  currentPassword: string;

  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  @IsStorableText()
  newPassword: string;
}
