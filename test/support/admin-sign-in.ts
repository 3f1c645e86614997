import type { Response } from 'supertest';
import type { TestContext } from './test-app.js';

export const SESSION_COOKIE = 'gitlab_users_admin_session';
export const SIGN_IN_CSRF_COOKIE = 'gitlab_users_admin_sign_in_csrf';

/** Every `Set-Cookie` line of a response. */
export function setCookies(res: Response): string[] {
  const header = res.headers['set-cookie'] as string[] | string | undefined;
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

/** The `Set-Cookie` line that sets `name`, or undefined. */
export function setCookie(res: Response, name: string): string | undefined {
  return setCookies(res).find((line) => line.startsWith(`${name}=`));
}

/** `name=value` of a `Set-Cookie` line, as a browser sends it back. */
export function cookiePair(line: string | undefined): string {
  if (!line) throw new Error('expected a Set-Cookie line');
  return line.split(';')[0];
}

/** The value of a form's hidden `csrf` field in a page. */
export function csrfField(html: string): string {
  const value = /<input type="hidden" name="csrf" value="([^"]*)">/.exec(html)?.[1];
  if (value === undefined) throw new Error(`no csrf field in the page:\n${html.slice(0, 2000)}`);
  return value;
}

export interface AdminBrowser {
  /** The session cookie as the browser sends it (`gitlab_users_admin_session=…`). */
  cookie: string;
  /** The session's CSRF value, as the sign-out form carries it. */
  csrf: string;
}

/** The sign-in form's cookie and CSRF value, as a browser opening the form gets them. */
export async function openSignInForm(ctx: TestContext): Promise<{ cookie: string; csrf: string }> {
  const form = await ctx.http.get('/admin/sign_in');
  if (form.status !== 200) throw new Error(`GET /admin/sign_in answered ${form.status}`);
  return { cookie: cookiePair(setCookie(form, SIGN_IN_CSRF_COOKIE)), csrf: csrfField(form.text) };
}

/** Signs in through the form as a browser does, and returns the session cookie and CSRF value. */
export async function signIn(ctx: TestContext, token: string): Promise<AdminBrowser> {
  const form = await openSignInForm(ctx);
  const res = await ctx.http.post('/admin/sign_in').set('Cookie', form.cookie).type('form').send({ csrf: form.csrf, token, return_to: '/admin/audit' });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}: ${res.text.slice(0, 500)}`);
  const cookie = cookiePair(setCookie(res, SESSION_COOKIE));
  const page = await ctx.http.get('/admin/audit').set('Cookie', cookie);
  if (page.status !== 200) throw new Error(`GET /admin/audit after sign-in answered ${page.status}`);
  return { cookie, csrf: csrfField(page.text) };
}
