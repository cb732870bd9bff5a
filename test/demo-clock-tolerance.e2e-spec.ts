import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { login } from './support/session-client.js';
import { ADAPTERS, useTestApp } from './support/test-app.js';
import { forgeToken } from './support/tokens.js';

const now = () => Math.floor(Date.now() / 1000);
const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};

/** The demo hands AUTH_CLOCK_TOLERANCE_SECONDS (DemoConfig.clockToleranceSeconds) to the module. */
describe.each(ADAPTERS)('the demo clock tolerance (%s)', (adapter) => {
  describe.each([
    [5, 200],
    [0, 401],
  ] as const)('clockToleranceSeconds %i', (clockToleranceSeconds, status) => {
    // Accepted: the session; refused: the guard's 401 on the host's routes.
    let app: INestApplication;
    useTestApp(adapter, (opened) => ({ app } = opened), { clockToleranceSeconds });

    it(`answers ${status} to a token issued 3 seconds ahead of this clock`, async () => {
      const user = await login(app);
      const token = forgeToken({ sub: user.userId, sid: user.sessionId }, { claims: { iat: now() + 3 } });
      const response = await request(app.getHttpServer()).get('/auth/me').set('Authorization', `Bearer ${token}`);
      const body = status === 200 ? { userId: user.userId, sessionId: user.sessionId, deviceId: null } : UNAUTHORIZED;
      expect({ status: response.status, body: response.body }).toEqual({ status, body });
    });
  });
});
