import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { AuthCookieService } from '../../auth/index.js';
import { loadPageAssets, loadPageDocument, type PageAsset } from './sessions-page.assets.js';
import { PAGE_SECURITY_HEADERS } from './sessions-page.headers.js';

/**
 * `GET /`: the demo's sessions page (sign in, see and end your sessions), plain HTML and module scripts that call the
 * module's routes in cookie mode; `GET /sessions-page/<file>`: its scripts and style sheet. Served from memory by a
 * controller rather than a static-files plugin, so both adapters answer alike.
 */
@ApiExcludeController()
@Controller()
export class SessionsPageController {
  private readonly document: PageAsset;
  private readonly assets: Map<string, PageAsset>;

  constructor(
    cookies: AuthCookieService,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.document = loadPageDocument(cookies.enabled);
    this.assets = loadPageAssets();
  }

  @Get()
  page(@Res({ passthrough: true }) response: unknown): string {
    return this.send(response, this.document);
  }

  @Get('sessions-page/:file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) response: unknown): string {
    const asset = this.assets.get(file);
    if (!asset) throw new NotFoundException();
    return this.send(response, asset);
  }

  private send(response: unknown, { contentType, body }: PageAsset): string {
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(response, 'Content-Type', contentType);
    for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) adapter.setHeader(response, name, value);
    return body;
  }
}
