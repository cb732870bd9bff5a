import type { IssuedTokensResponse, SessionListResponse } from './session-responses.js';

/** Example bodies of the documented successes: the shapes the routes answer, with made-up values. */
export const ISSUED_TOKENS_EXAMPLE: IssuedTokensResponse = {
  accessToken: 'eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl',
  refreshToken: 'q8gJd0hW0tq1Yv3m9x4eQk7sLZb2nA5cUu6rPfE1oT0',
  tokenType: 'Bearer',
  expiresIn: 900,
  sessionId: '0b7e3f4c-2a8d-4d1e-9c55-3f6a1b2c3d4e',
};

export const SESSION_LIST_EXAMPLE: SessionListResponse = {
  sessions: [
    {
      id: '0b7e3f4c-2a8d-4d1e-9c55-3f6a1b2c3d4e',
      current: true,
      deviceId: 'phone-1',
      deviceName: 'Pixel 9',
      ip: '203.0.113.7',
      userAgent: 'curl/8.5.0',
      createdAt: '2026-12-01T09:00:00.000Z',
      lastUsedAt: '2026-12-01T09:05:00.000Z',
      expiresAt: '2026-12-31T09:00:00.000Z',
    },
  ],
};
