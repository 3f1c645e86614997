import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestContext } from '../../support/test-app.js';
import { signIn, type AdminBrowser } from '../../support/admin-sign-in.js';

/**
 * The queue dashboard (`/admin/queues/`) works with no Internet access: nothing the page loads
 * points to another host, and its own files (scripts, styles, locales) are served without a
 * session. The page and its queue data stay behind the admin session.
 */

const DASHBOARD = '/admin/queues/';
/** Stands for this server when resolving the page's relative URLs. */
const HERE = 'http://dashboard.test';

/** Every `href` and `src` in an HTML page (its `<base>` too), and every `url(…)` and `@import` in a style sheet. */
function htmlReferences(html: string): string[] {
  return [...html.matchAll(/\b(?:href|src)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]);
}
/** What the browser fetches to show the page: style sheets, icons, scripts, images. */
function htmlAssets(html: string): string[] {
  return [...html.matchAll(/<(?:link|script|img)\b[^>]*\b(?:href|src)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]);
}
function cssReferences(css: string): string[] {
  const urls = [...css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/gi)].map((m) => m[1]);
  const imports = [...css.matchAll(/@import\s+["']([^"']+)["']/gi)].map((m) => m[1]);
  return [...urls, ...imports].filter((ref) => !ref.startsWith('data:') && !ref.startsWith('#'));
}

describe('queue dashboard: self-contained, its files public, its data behind the admin session', () => {
  let ctx: TestContext;
  let browser: AdminBrowser;
  let html: string;
  let base: URL;
  let policy: string;

  beforeAll(async () => {
    ctx = await startTestApp('queue-dashboard');
    browser = await signIn(ctx, ctx.rootToken);
    const page = await ctx.http.get(DASHBOARD).set('Cookie', browser.cookie);
    expect(page.status).toBe(200);
    policy = page.headers['content-security-policy'] as string;
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    html = page.text;
    const baseHref = /<base\s+href=["']([^"']+)["']/i.exec(html)?.[1];
    base = new URL(baseHref ?? DASHBOARD, HERE);
  });
  afterAll(async () => ctx?.close());

  /** A reference from the page as a path on this server, or a failure naming it if it leaves the server. */
  function localPath(ref: string, from: URL): string {
    const url = new URL(ref, from);
    expect({ ref, origin: url.origin }).toEqual({ ref, origin: HERE });
    return url.pathname + url.search;
  }

  it('the page itself still needs the admin session: without one, the sign-in form', async () => {
    const res = await ctx.http.get(DASHBOARD);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/sign_in?return_to=%2Fadmin%2Fqueues%2F');
  });

  it('runs no inline script and its policy names no other host: only its own files execute', async () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      // Either a file of its own, or inline data the browser never runs.
      if (body.trim() !== '') expect(attributes).toMatch(/type="application\/json"/);
      else expect(attributes).toMatch(/\bsrc="static\//);
    }
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    expect(policy).toMatch(/frame-ancestors 'none'/);
    expect(policy).not.toMatch(/https?:|\*|unsafe-eval/);
  });

  it('names no other host: no fonts.googleapis, no absolute http(s) URL in the page or its styles', async () => {
    expect(html).not.toMatch(/fonts\.googleapis|fonts\.gstatic/i);
    const refs = htmlReferences(html);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) localPath(ref, base);
    const styles = htmlAssets(html).filter((ref) => /\.css(\?|$)/.test(ref));
    expect(styles.length).toBeGreaterThan(0);
    for (const ref of styles) {
      const sheetUrl = new URL(ref, base);
      const sheet = await ctx.http.get(localPath(ref, base));
      expect(sheet.status).toBe(200);
      expect(sheet.text).not.toMatch(/fonts\.googleapis|fonts\.gstatic|@import\s+url\(\s*["']?https?:/i);
      for (const inner of cssReferences(sheet.text)) localPath(inner, sheetUrl);
    }
  });

  it('every script, style sheet and icon of the page loads without credentials', async () => {
    const paths = htmlAssets(html).map((ref) => localPath(ref, base));
    expect(paths.length).toBeGreaterThanOrEqual(4);
    for (const path of paths) {
      const res = await ctx.http.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(Number(res.headers['content-length'] ?? res.body?.length ?? 0)).toBeGreaterThan(0);
    }
  });

  it('every locale file the page script asks for loads without credentials, as JSON translations', async () => {
    const scripts = htmlAssets(html).filter((ref) => /\.js(\?|$)/.test(ref));
    let template: string | undefined;
    let languages: string[] = [];
    let namespace: string | undefined;
    for (const ref of scripts) {
      const path = localPath(ref, base);
      const script = await ctx.http.get(path).buffer(true).parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      });
      expect({ path, status: script.status }).toEqual({ path, status: 200 });
      const source = script.body as string;
      // The board's own i18next set-up (the library's defaults live in another script).
      const setUp = /\bdefaultNS:"([\w-]+)"[^`]*`[^`]*(static\/locales\/\{\{lng\}\}\/\{\{ns\}\}\.json)`/.exec(source);
      if (!setUp) continue;
      [, namespace, template] = setUp;
      const list = /\[("[a-z]{2}-[A-Z]{2}"(?:,"[a-z]{2}-[A-Z]{2}")*)\]/.exec(source)?.[1];
      if (list) languages = JSON.parse(`[${list}]`) as string[];
    }
    expect(template).toBeDefined();
    expect(namespace).toBeDefined();
    expect(languages).toContain('en-US');
    for (const language of languages) {
      const ref = template!.replace('{{lng}}', language).replace('{{ns}}', namespace!);
      const path = localPath(ref, base);
      const res = await ctx.http.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers['content-type']).toMatch(/json/);
      expect(Object.keys(res.body as object).length).toBeGreaterThan(0);
    }
  });

  it('queue data and actions answer 401 without the admin session (HTTP Basic no longer counts), and 200 with it', async () => {
    const anonymous = await ctx.http.get(`${base.pathname}api/queues`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ message: "401 Unauthorized - Sign in at /admin/sign_in with an administrator's personal access token first." });
    const basic = await ctx.http.get(`${base.pathname}api/queues`).auth('x', ctx.rootToken);
    expect(basic.status).toBe(401);
    const pause = await ctx.http.put(`${base.pathname}api/queues/pause`).set('Origin', 'http://gitlab.test');
    expect(pause.status).toBe(401);
    const admin = await ctx.http.get(`${base.pathname}api/queues`).set('Cookie', browser.cookie);
    expect(admin.status).toBe(200);
    expect(Array.isArray(admin.body.queues)).toBe(true);
  });

  it('the public files open no way around the session: escapes from static/ and writes there need it', async () => {
    for (const path of [`${base.pathname}static/..%2Fapi/queues`, `${base.pathname}static/..%2F..%2Fapi/queues`]) {
      const res = await ctx.http.get(path);
      expect(res.status).not.toBe(200);
      expect(res.text).not.toMatch(/"queues"/);
    }
    const post = await ctx.http.post(`${base.pathname}static/js/anything.js`).set('Origin', 'http://gitlab.test');
    expect(post.status).toBe(401);
  });
});
