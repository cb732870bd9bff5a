import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * Suites that assert a delay the issues name (a revocation refused on another instance within 50 or 100 ms, ready
 * within 1 s): they run after the others, one file at a time, so that other files' load does not take their cores.
 */
const TIMED = [
  'test/pooler.e2e-spec.ts',
  'test/three-instances.e2e-spec.ts',
  'test/listener-delivery.e2e-spec.ts',
  'test/listener-partition.e2e-spec.ts',
  'test/database-restart.e2e-spec.ts',
];

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    // Every response a suite receives through supertest is checked against the OpenAPI document.
    setupFiles: ['test/support/openapi-recorder.ts'],
    // Most of a test's time is spent waiting on PostgreSQL, child processes and npm: more files than cores at once.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'suites', include: ['src/**/*.spec.ts', 'test/**/*.e2e-spec.ts'], exclude: TIMED },
      },
      { extends: true, test: { name: 'timed', include: TIMED, sequence: { groupOrder: 1 }, fileParallelism: false } },
    ],
  },
});
