import { Controller, Get, Header } from '@nestjs/common';

/**
 * The host's own page, as a single-page app a browser loads from the host: its script calls the module's
 * routes with `fetch(..., { credentials: 'include' })`, so the cookies travel as a browser sends them.
 * `call` answers with what page script can see: the status, the body and `document.cookie` (not
 * Clear-Site-Data: Chromium keeps that header from script).
 */
export const APP_PAGE = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>host app</title></head>
<body>
<script>
window.call = async (method, path, body) => {
  const init = { method, credentials: 'include', headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? '' : JSON.parse(text),
    documentCookie: document.cookie,
  };
};
</script>
</body>
</html>
`;

/** `GET /app`: the host's page (test/apps/app-page.controller.ts). */
@Controller()
export class AppPageController {
  @Get('app')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return APP_PAGE;
  }
}
