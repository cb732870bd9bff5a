import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FULL_DEMO, servedDocument } from './support/openapi-document.js';
import { ADAPTERS } from './support/test-app.js';

const REDOCLY = resolve('node_modules/@redocly/cli/bin/cli.js');

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: Array<{ ruleId: string; severity: string; message: string }>;
}

/** `redocly lint` with its recommended rules on `document`, from a directory of its own (no config of ours). */
async function lint(dir: string, name: string, document: unknown): Promise<LintReport> {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(document));
  const run = promisify(execFile)(process.execPath, [REDOCLY, 'lint', file, '--extends=recommended', '--format=json'], {
    cwd: dir,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
  // It exits 1 when it finds errors: the report is on stdout either way.
  const { stdout } = await run.catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return JSON.parse(stdout.slice(stdout.indexOf('{'))) as LintReport;
}

describe.each(ADAPTERS)(
  'the served OpenAPI document, linted by @redocly/cli (recommended rules), over %s',
  (adapter) => {
    const dir = mkdtempSync(join(tmpdir(), 'nest-signout-redocly-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each([
      ['the default demo', {}],
      ['the demo with its admin routes, in cookie mode', { ...FULL_DEMO, accessTokenCookie: true }],
      [
        'the demo with sign-in through an identity provider',
        {
          oidc: {
            issuer: 'https://idp.example.com',
            clientId: 'demo',
            clientSecret: 'secret',
            redirectUri: 'https://app.example.com/auth/oidc/callback',
          },
        },
      ],
    ])('has no error and no warning: %s', async (name, overrides) => {
      const report = await lint(dir, name.replace(/\W+/g, '-'), await servedDocument(adapter, overrides));
      expect(report.problems.map(({ ruleId, severity, message }) => `${severity} ${ruleId}: ${message}`)).toEqual([]);
      expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    });
  },
);
