/** What every suite shares, the library's and the demo's: adapters, the signing secret, the default account. */
export type Adapter = 'fastify' | 'express';
export const ADAPTERS: Adapter[] = ['fastify', 'express'];

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long!!';
/** The account `login(app)` signs in with when given none (the demo seeds it; a host suite adds it). */
export const DEMO_EMAIL = 'demo@example.com';
export const DEMO_PASSWORD = 'demo-password';
