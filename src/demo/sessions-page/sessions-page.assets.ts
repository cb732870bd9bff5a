import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file the page is made of, read once at start. */
export interface PageAsset {
  contentType: string;
  body: string;
}

const HTML = 'text/html; charset=utf-8';
const SCRIPT = 'text/javascript; charset=utf-8';
const STYLE = 'text/css; charset=utf-8';

/**
 * The page's files live beside this one in the source tree (`public/`), and `npm start` runs the compiled copy under
 * `dist/`, which tsc does not copy them to: both find them from the checkout's root.
 */
export function sessionsPageDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error('The sessions page needs the checkout it was built from');
    directory = parent;
  }
  return join(directory, 'src', 'demo', 'sessions-page', 'public');
}

/** The scripts and the style sheet under `/sessions-page/`, by file name; nothing else is served from there. */
export function loadPageAssets(directory = sessionsPageDirectory()): Map<string, PageAsset> {
  const read = (name: string) => readFileSync(join(directory, name), 'utf8');
  const assets = new Map<string, PageAsset>();
  for (const name of ['app.js', 'api.js', 'relative-time.js', 'session-list.js', 'session-stream.js', 'sign-in.js'])
    assets.set(name, { contentType: SCRIPT, body: read(name) });
  assets.set('sessions-page.css', { contentType: STYLE, body: read('sessions-page.css') });
  // ua-parser-js's browser build (MIT, licence header kept): it sets `window.UAParser`.
  const uaParser = createRequire(import.meta.url).resolve('ua-parser-js/dist/ua-parser.min.js');
  assets.set('ua-parser.min.js', { contentType: SCRIPT, body: readFileSync(uaParser, 'utf8') });
  return assets;
}

/** `GET /`: the page in cookie mode; in bearer mode a notice that it needs cookie mode (the tokens are in cookies). */
export function loadPageDocument(cookieMode: boolean, directory = sessionsPageDirectory()): PageAsset {
  const name = cookieMode ? 'index.html' : 'cookie-mode-required.html';
  return { contentType: HTML, body: readFileSync(join(directory, name), 'utf8') };
}
