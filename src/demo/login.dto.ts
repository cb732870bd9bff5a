import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsStorableText } from '../auth/index.js';

export class LoginDto {
  @ApiProperty({ format: 'email', maxLength: 320, example: 'demo@example.com' })
  @IsEmail()
  @MaxLength(320)
  @IsStorableText()
  email: string;

  @ApiProperty({ minLength: 1, maxLength: 1024, example: 'demo-password' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  @IsStorableText()
  password: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 255, description: "The client's device id.", example: 'phone-1' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @IsStorableText()
  deviceId?: string;

  @ApiPropertyOptional({ maxLength: 255, example: 'Pixel 9' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @IsStorableText()
  deviceName?: string;

  @ApiPropertyOptional({ maxLength: 4096, description: "The device's push notification token." })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  @IsStorableText()
  pushToken?: string;

  /** "Remember me": the session has no idle limit (the lifetime stays AUTH_SESSION_LIFETIME_SECONDS). */
  @ApiPropertyOptional({ description: 'Remember me: no idle timeout for this session.' })
  @IsOptional()
  @IsBoolean()
  rememberMe?: boolean;
}
