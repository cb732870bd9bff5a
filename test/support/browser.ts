import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { AppPageController } from '../apps/app-page.controller.js';
import { HostModule, type HostModuleOptions } from '../apps/host.module.js';
import type { Adapter } from './constants.js';
import { startHost } from './host.js';
import { startOtherOriginSite, type OtherOriginSite } from './other-origin-site.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it). CHROMIUM_PATH names another. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * As root (CI) Chromium needs --no-sandbox; the machine's network is closed, so nothing may phone home
 * (the background-networking flags), and QUIC and the GPU are of no use to a headless test.
 */
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether the browser suites can run. CI (`CI` set) must have Chromium, so a missing one throws and the
 * run fails; elsewhere the suites are skipped, and the run says so.
 */
export function chromiumInstalled(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI) throw new Error(`No Chromium at ${CHROMIUM_PATH}: the browser suites need one`);
  console.warn(`No Chromium at ${CHROMIUM_PATH}: the browser suites are skipped (apt-get install chromium)`);
  return false;
}

/** Headless Chromium; close it when done. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: LAUNCH_ARGS });

/** What the host's page (test/apps/app-page.controller.ts) sees of an answer to its `fetch`. */
interface ScriptAnswer {
  status: number;
  /** The JSON body, or '' when empty. */
  body: unknown;
  /** `document.cookie` once the answer is in. */
  documentCookie: string;
}

/** The page script's view of an answer, and the Clear-Site-Data header the browser received (script never sees it). */
export interface PageAnswer extends ScriptAnswer {
  clearSiteData: string | null;
}

interface AppPageWindow {
  call(method: string, path: string, body?: unknown): Promise<ScriptAnswer>;
}

/** The host's page open in a tab: `call` runs its script's `fetch(path, { credentials: 'include' })`. */
export interface AppPage {
  tab: Page;
  call(method: string, path: string, body?: unknown): Promise<PageAnswer>;
}

export interface BrowserSuite {
  db: TestDatabase;
  app: INestApplication;
  /** The host's origin, `http://localhost:<port>`. */
  origin: string;
  /** The other origin: same site, another port. */
  other: OtherOriginSite;
  /** This test's own context: an empty cookie jar. */
  context: BrowserContext;
  /** Opens the host's page (GET /app) in a new tab of this test's context. */
  openApp(): Promise<AppPage>;
  /** Another browser context of this test (its own cookie jar and storage), closed after the test like `context`. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * For a describe block: a fresh database, the test host on it (with its page, GET /app) listening on a
 * port of localhost, the other origin's server, and Chromium; a fresh browser context for every test.
 */
export function useBrowserSuite(adapter: Adapter, options: HostModuleOptions): BrowserSuite {
  return useBrowserSuiteOn((url) =>
    startHost({ imports: [HostModule.forRoot(url, options)], controllers: [AppPageController] }, adapter),
  );
}

/** As useBrowserSuite, for the app `start` builds on the database at its url (initialised, not listening). */
export function useBrowserSuiteOn(start: (databaseUrl: string) => Promise<INestApplication>): BrowserSuite {
  const suite = {} as BrowserSuite;
  let browser: Browser | undefined;
  let others: BrowserContext[] = [];
  beforeAll(async () => {
    suite.db = await createTestDatabase();
    suite.app = await start(suite.db.url);
    await suite.app.listen(0, '127.0.0.1');
    suite.origin = `http://localhost:${(suite.app.getHttpServer().address() as AddressInfo).port}`;
    suite.other = await startOtherOriginSite(suite.origin);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await suite.other?.close();
    await suite.app?.close();
    await suite.db?.drop();
  });
  beforeEach(async () => {
    suite.context = await browser!.newContext();
  });
  afterEach(async () => {
    await suite.context?.close();
    await Promise.all(others.map((context) => context.close()));
    others = [];
  });
  suite.newContext = async (options) => {
    const context = await browser!.newContext(options);
    others.push(context);
    return context;
  };
  suite.openApp = async () => {
    const tab = await suite.context.newPage();
    await tab.goto(`${suite.origin}/app`);
    return {
      tab,
      call: async (method, path, body) => {
        const [response, seen] = await Promise.all([
          tab.waitForResponse((each) => each.url() === `${suite.origin}${path}` && each.request().method() === method),
          tab.evaluate(
            ([verb, target, payload]) => (globalThis as unknown as AppPageWindow).call(verb, target, payload),
            [method, path, body] as const,
          ),
        ]);
        return { ...seen, clearSiteData: await response.headerValue('clear-site-data') };
      },
    };
  };
  return suite;
}
