import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DEMO_EMAIL, DEMO_PASSWORD } from './constants.js';

export interface LoggedIn {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  userId: string;
  bearer: string;
}

/**
 * Signs in through `POST /auth/login` (the test host's or the demo's: both answer alike) and returns the
 * token, its session and its user.
 */
export async function login(
  app: INestApplication,
  extra: {
    email?: string;
    password?: string;
    deviceId?: string;
    deviceName?: string;
    pushToken?: string;
    userAgent?: string;
  } = {},
): Promise<LoggedIn> {
  const { email = DEMO_EMAIL, password = DEMO_PASSWORD, userAgent, ...device } = extra;
  let call = request(app.getHttpServer()).post('/auth/login');
  if (userAgent !== undefined) call = call.set('User-Agent', userAgent);
  const response = await call.send({ email, password, ...device }).expect(200);
  const me = await request(app.getHttpServer())
    .get('/auth/me')
    .set('Authorization', `Bearer ${response.body.accessToken}`)
    .expect(200);
  return {
    accessToken: response.body.accessToken,
    refreshToken: response.body.refreshToken,
    sessionId: response.body.sessionId,
    userId: me.body.userId,
    bearer: `Bearer ${response.body.accessToken}`,
  };
}
