import { IsBoolean, IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsStorableText } from '../auth/index.js';

export class LoginDto {
  @IsEmail()
  @MaxLength(320)
  @IsStorableText()
  email: string;

  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  @IsStorableText()
  password: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @IsStorableText()
  deviceId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  @IsStorableText()
  deviceName?: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  @IsStorableText()
  pushToken?: string;

  /** "Remember me": the session has no idle limit (the lifetime stays AUTH_SESSION_LIFETIME_SECONDS). */
  @IsOptional()
  @IsBoolean()
  rememberMe?: boolean;
}
