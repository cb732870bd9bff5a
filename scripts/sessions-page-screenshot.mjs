// Redoes docs/sessions-page.png: the demo in cookie mode on a throwaway embedded PostgreSQL, a few sessions of the
// demo user from other devices, and the page signed in, in headless Chromium at desktop width.
// Run with `npm run screenshot:sessions-page` (it builds first); CHROMIUM_PATH names another Chromium.
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { createDemoApp } from '../dist/src/demo/create-demo-app.js';
import { validateDemoEnvironment } from '../dist/src/demo/demo-environment.js';
import { toDemoConfig } from '../dist/src/demo/demo.config.js';
import { startEmbeddedPostgres } from '../dist/src/demo/embedded-database.js';

const OUTPUT = new URL('../docs/sessions-page.png', import.meta.url);
const USER = { email: 'demo@example.com', password: 'demo-password' };
const CHROME_ON_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

/** The other sessions: how each client signed in, and how long ago it signed in and was last active. */
const OTHER_DEVICES = [
  {
    deviceId: 'iphone-5f2c',
    deviceName: "Sam's iPhone",
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
      'Version/18.5 Mobile/15E148 Safari/604.1',
    signedIn: '3 days',
    lastActive: '2 hours',
  },
  {
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:146.0) Gecko/20100101 Firefox/146.0',
    signedIn: '12 days',
    lastActive: '1 day',
  },
  {
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) ' +
      'Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0',
    signedIn: '25 minutes',
    lastActive: '4 minutes',
  },
];

const dataDir = mkdtempSync(join(tmpdir(), 'nest-signout-screenshot-'));
const database = await startEmbeddedPostgres(join(dataDir, 'postgres'), { persistent: false });
const databaseUrl = database.urlFor('postgres');
let app;
let browser;
try {
  const config = {
    ...toDemoConfig(validateDemoEnvironment({}).environment, databaseUrl),
    accessTokenCookie: true,
    auditLog: false,
    rateLimitPerMinute: 0,
    cleanupIntervalSeconds: 0,
  };
  app = await createDemoApp(config, ['error', 'warn']);
  await app.listen(0, '127.0.0.1');
  const origin = `http://localhost:${app.getHttpServer().address().port}`;

  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    for (const device of OTHER_DEVICES) {
      const response = await fetch(`${origin}/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': device.userAgent },
        body: JSON.stringify({ ...USER, deviceId: device.deviceId, deviceName: device.deviceName, rememberMe: true }),
      });
      if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
      const { sessionId } = await response.json();
      await client.query(
        `UPDATE auth_sessions SET created_at = now() - $2::interval, last_used_at = now() - $3::interval
         WHERE id = $1`,
        [sessionId, device.signedIn, device.lastActive],
      );
    }
  } finally {
    await client.end();
  }

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    userAgent: CHROME_ON_LINUX,
  });
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.getByLabel('Email', { exact: true }).fill(USER.email);
  await page.getByLabel('Password', { exact: true }).fill(USER.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const items = page.getByRole('list', { name: 'Sessions', exact: true }).getByRole('listitem');
  await items.nth(OTHER_DEVICES.length).waitFor();
  // The list's heading has the focus after sign-in; the picture shows the page at rest.
  await page.evaluate('document.activeElement.blur()');
  await page.screenshot({ path: OUTPUT.pathname, fullPage: true });
  console.log(`Wrote ${OUTPUT.pathname}`);
} finally {
  await browser?.close();
  await app?.close();
  await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
