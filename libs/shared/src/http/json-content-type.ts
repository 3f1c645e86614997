/**
 * Grape answers `Content-Type: application/json` with no charset parameter, and python-gitlab 3.x
 * compares that header with `==`: with Express's `application/json; charset=utf-8` it cannot read a
 * single answer. JSON is UTF-8 by definition (RFC 8259), so the parameter carries nothing.
 */
export const GITLAB_JSON_CONTENT_TYPE = 'application/json';

const JSON_WITH_CHARSET = /^application\/json\s*;\s*charset=utf-8$/i;

interface ExpressResponsePrototype {
  set(field: unknown, value?: unknown): unknown;
  header(field: unknown, value?: unknown): unknown;
}

/**
 * Makes every `res.set`/`res.type`/`res.json`/`res.send` of this Express application write the
 * bare media type (Express adds the charset inside `set` itself). Patched once on the
 * application's response prototype, so no request pays for it.
 */
export function sendJsonWithoutCharset(app: { response: ExpressResponsePrototype }): void {
  const set = app.response.set;
  app.response.set = app.response.header = function setHeader(this: { getHeader(name: string): unknown; setHeader(name: string, value: string): void }, field: unknown, value?: unknown): unknown {
    const result = arguments.length === 2 ? set.call(this, field, value) : set.call(this, field);
    const type = this.getHeader('Content-Type');
    if (typeof type === 'string' && JSON_WITH_CHARSET.test(type)) this.setHeader('Content-Type', GITLAB_JSON_CONTENT_TYPE);
    return result;
  };
}
