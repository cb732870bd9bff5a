import { ApiProperty } from '@nestjs/swagger';

/** One live session, as `GET /auth/sessions` and the admin list describe it. */
export class SessionSummaryResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The session of the request that asked.' })
  current!: boolean;

  @ApiProperty({ type: String, nullable: true, description: "The client's device id; null without a device." })
  deviceId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  deviceName!: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  lastUsedAt!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

/** `GET /auth/sessions`, `GET /auth/admin/users/{userId}/sessions`. */
export class SessionListResponse {
  @ApiProperty({ type: [SessionSummaryResponse] })
  sessions!: SessionSummaryResponse[];
}

/** A route that ends sessions: what it says, and how many it ended. */
export class RevokedSessionsResponse {
  @ApiProperty({ example: 'Session revoked' })
  message!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'How many sessions this request ended.' })
  revokedSessions!: number;
}

/** A new token pair (sign-in, refresh). In cookie mode the tokens are in the cookies, not the body. */
export class IssuedTokensResponse {
  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ type: 'integer', description: 'Seconds until the access token expires.' })
  expiresIn!: number;

  @ApiProperty({ format: 'uuid' })
  sessionId!: string;

  @ApiProperty({ required: false, description: 'The access token (a JWT); absent in cookie mode.' })
  accessToken?: string;

  @ApiProperty({ required: false, description: 'The single-use refresh token; absent in cookie mode.' })
  refreshToken?: string;
}
