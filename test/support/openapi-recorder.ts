import supertest from 'supertest';
import { afterAll } from 'vitest';
import { recordedApps, urlKey, type RecordedApp } from './openapi-apps.js';
import type { OpenApiDocument, RecordedResponse } from './openapi-validator.js';

/**
 * A setup file: records every response a suite receives through supertest, and after the file checks those of the
 * documented operations against the OpenAPI document (status documented, content type, body valid against its
 * schema). Requests to apps it was not told about (openapi-apps.ts) are checked for the module's routes at their
 * default paths only; a path that is no route of the document is skipped.
 */

interface Pending {
  app: RecordedApp | undefined;
  method: string;
  path: string;
  status: number;
  contentType: string | undefined;
  text: string;
  body: unknown;
}

type Sink = (pending: Pending) => void;
const SINK = Symbol.for('nest-signout:openapi-sink');
const PATCHED = Symbol.for('nest-signout:openapi-patched');
const globals = globalThis as { [SINK]?: Sink };

interface SupertestTest {
  app: unknown;
  method: string;
  url: string;
}
interface SuperagentResponse {
  status: number;
  headers: Record<string, string | undefined>;
  text?: string;
  body: unknown;
}
type Assert = (this: SupertestTest, error: unknown, response: SuperagentResponse | undefined, fn: unknown) => unknown;
const prototype = (supertest as unknown as { Test: { prototype: { assert: Assert; [PATCHED]?: true } } }).Test
  .prototype;

// Once per worker: node_modules are shared by the test files a worker runs, the sink is each file's own.
if (!prototype[PATCHED]) {
  const assert = prototype.assert;
  prototype.assert = function (this: SupertestTest, error, response, fn) {
    if (response) {
      const target = typeof this.app === 'string' ? urlKey(this.app) : this.app;
      globals[SINK]?.({
        app: recordedApps().get(target),
        method: this.method,
        path: new URL(this.url).pathname,
        status: response.status,
        contentType: response.headers['content-type'],
        text: response.text ?? '',
        body: response.body,
      });
    }
    return assert.call(this, error, response, fn);
  };
  prototype[PATCHED] = true;
}

const pending: Pending[] = [];
globals[SINK] = (response) => pending.push(response);

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const MODULE_TAGS = new Set(['logout', 'session', 'admin']);

interface Template {
  method: string;
  pattern: RegExp;
  operationPath: string;
  module: boolean;
}

/** Every operation of the document as a pattern of the paths it answers at. */
function templatesOf(document: OpenApiDocument): Template[] {
  return Object.entries(document.paths).flatMap(([operationPath, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      method: method.toUpperCase(),
      pattern: new RegExp(`^${operationPath.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`),
      operationPath,
      module: ((item[method] as { tags?: string[] }).tags ?? []).some((tag) => MODULE_TAGS.has(tag)),
    })),
  );
}

/** The document path of the operation a response belongs to, or undefined when it is none of the document's. */
function operationPathOf({ app, method, path }: Pending, templates: Template[]): string | undefined {
  const matches = (candidate: { method: string; pattern: RegExp }) =>
    candidate.method === method && candidate.pattern.test(path);
  const mounted = app?.operations?.find(matches);
  if (mounted) return mounted.operationPath;
  if (app && !app.demo) return undefined;
  // The demo's own routes; the module's where the recorder cannot see where they are mounted (a demo process, an
  // app it was not told about), at their default paths.
  const candidate = (template: Template) => (template.module ? !app?.operations : Boolean(app?.demo));
  return templates.find((template) => candidate(template) && matches(template))?.operationPath;
}

afterAll(async () => {
  if (!pending.length) return;
  const { validationDocument } = await import('./openapi-document.js');
  const { validateResponses } = await import('./openapi-validator.js');
  const document = await validationDocument();
  const templates = templatesOf(document);
  const records: RecordedResponse[] = pending.flatMap((response) => {
    const operationPath = operationPathOf(response, templates);
    return operationPath ? [{ ...response, operationPath }] : [];
  });
  const failures = validateResponses(records, document);
  if (failures.length)
    throw new Error(`${failures.length} responses break the OpenAPI document:\n${failures.join('\n')}`);
});
