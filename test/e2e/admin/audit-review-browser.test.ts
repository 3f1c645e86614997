import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createUserWithToken, eventually, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

/**
 * The review page in a real browser (Debian's Chromium driven by playwright-core): an admin signs
 * in, filters and opens an event with the keyboard alone, downloads the CSV, looks at the queue
 * dashboard and signs out; the page never asks anything of another host.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = path.resolve('test/artifacts/audit-review.png');
/** Bull Board's texts are i18next keys like `MENU.QUEUES` until its locale file loads. */
const RAW_TRANSLATION_KEY = /\b(?:LOADING|MENU|DASHBOARD|JOB|QUEUE|STATUS|REDIS|SETTINGS)\.[A-Z_]{2,}/;

/**
 * What has the keyboard focus, read in the page. Code run in the page is given as text: this
 * project's TypeScript knows Node's globals, not the browser's.
 */
const FOCUSED = `(() => {
  const element = document.activeElement;
  return { tag: element ? element.tagName : '', href: element ? element.getAttribute('href') : null, id: element ? element.id : '', text: element ? element.textContent.trim() : '' };
})()`;

function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium), or set CHROMIUM_PATH to a Chromium binary.`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

describe('admin review page in a browser', () => {
  let ctx: TestContext;
  let subject: CreatedUser;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const policyViolations: string[] = [];

  /** Presses Tab until the focused element matches, and returns how many presses it took. */
  async function tabTo(matches: (element: { tag: string; href: string | null; id: string; text: string }) => boolean, what: string): Promise<number> {
    for (let presses = 1; presses <= 60; presses++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate<{ tag: string; href: string | null; id: string; text: string }>(FOCUSED);
      if (matches(focused)) return presses;
    }
    throw new Error(`Tab never reached ${what}`);
  }

  beforeAll(async () => {
    ctx = await startTestApp('admin_review_browser');
    await ctx.startWorker();
    const actor = await createUserWithToken(ctx, { admin: true, name: 'Browser Actor' }, ['api']);
    subject = await createUserWithToken(ctx, { name: 'Old Name' }, ['api']);
    expect((await ctx.http.put(`/api/v4/users/${subject.id}`).set('PRIVATE-TOKEN', actor.token).send({ name: 'New Name' })).status).toBe(200);
    expect((await ctx.http.post(`/api/v4/users/${subject.id}/block`).set('PRIVATE-TOKEN', actor.token)).status).toBe(201);
    await eventually(
      async () => ((await ctx.db.query('SELECT 1 FROM activity.audit_events WHERE entity_id = $1 AND event_name = ANY($2)', [subject.id, ['user_name_updated', 'user_blocked']])).length === 2 ? true : undefined),
      15_000,
      'the audit rows of the rename and the block',
    );
    await ctx.api.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(ctx.api.getHttpServer().address() as AddressInfo).port}`;

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  it('an anonymous visit goes to the sign-in form; the token typed there signs in and comes back', async () => {
    await page.goto(`${origin}/admin/audit`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign_in');
    expect(await page.getAttribute('#token', 'type')).toBe('password');
    // The field has the focus: type the token and press Enter, no mouse.
    await page.keyboard.type(ctx.rootToken);
    await Promise.all([page.waitForURL(`${origin}/admin/audit`), page.keyboard.press('Enter')]);
    expect(await page.locator('.account').innerText()).toContain('Signed in as @root');
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
  });

  it('filters with the keyboard alone: the skip link, the fields, Enter', async () => {
    await page.goto(`${origin}/admin/audit`);
    await page.keyboard.press('Tab');
    expect((await page.evaluate<{ text: string }>(FOCUSED)).text).toBe('Skip to main content');
    // The focused skip link is outlined, in view.
    expect(await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle')).not.toBe('none');
    expect((await page.locator('.skip-link').boundingBox())!.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    await tabTo((element) => element.id === 'target_user_id', 'the target user field');
    await page.keyboard.type(String(subject.id));
    await page.keyboard.press('Tab');
    expect((await page.evaluate<{ id: string }>(FOCUSED)).id).toBe('event_name');
    await page.keyboard.type('user_name_updated');
    await page.keyboard.press('Escape');
    await Promise.all([page.waitForURL(/\/admin\/audit\?/), page.keyboard.press('Enter')]);
    const url = new URL(page.url());
    expect(url.searchParams.get('target_user_id')).toBe(String(subject.id));
    expect(url.searchParams.get('event_name')).toBe('user_name_updated');
    const events = await page.locator('tbody tr td:nth-child(2) a').allInnerTexts();
    expect(events).toEqual(['user_name_updated']);
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('opens an event with the keyboard, sees the name before and after, and goes back to the same filter', async () => {
    const listUrl = page.url();
    await page.locator('body').focus();
    await tabTo((element) => element.tag === 'A' && /^\/admin\/audit\/\d+/.test(element.href ?? ''), 'an event link');
    await Promise.all([page.waitForURL(/\/admin\/audit\/\d+/), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').innerText()).toMatch(/^Audit event \d+: user_name_updated$/);
    const change = await page.locator('table.changes tbody tr').first().locator('th, td').allInnerTexts();
    expect(change).toEqual(['name', 'Old Name', 'New Name']);
    await Promise.all([page.waitForURL(/\/admin\/audit\?/), page.getByRole('link', { name: '← Back to the audit log' }).click()]);
    // The same filter; the empty fields the form sent are left out.
    const filled = (url: string) => [...new URL(url).searchParams].filter(([, value]) => value !== '');
    expect(filled(page.url())).toEqual(filled(listUrl));
    expect(filled(page.url())).toHaveLength(2);
  });

  it('downloads the CSV of the filter: the rows shown, with their ids', async () => {
    await page.goto(`${origin}/admin/audit?target_user_id=${subject.id}`);
    const shown = (await page.locator('tbody tr td:nth-child(2) a').evaluateAll((links) => links.map((link) => link.getAttribute('href')!))).map((href) =>
      Number(/\/admin\/audit\/(\d+)/.exec(href)![1]),
    );
    expect(shown.length).toBeGreaterThanOrEqual(3);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-events-[0-9T-]+\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('id,created_at,author_id,author_name,entity_type,entity_id,target_details,event_name,message,ip_address,details');
    const ids = lines.slice(1).map((line) => Number(line.split(',')[0]));
    expect(ids).toEqual(shown);
    expect(lines.slice(1).every((line) => line.includes(`,User,${subject.id},`))).toBe(true);
  });

  it('shows the queue dashboard signed in, with its queue names and translated texts', async () => {
    await page.goto(`${origin}/admin/queues/`);
    await page.getByText('moderation', { exact: false }).first().waitFor({ timeout: 15_000 });
    const text = await page.locator('body').innerText();
    for (const queue of ['audit', 'activity', 'moderation']) expect(text).toContain(queue);
    expect(text).not.toMatch(RAW_TRANSLATION_KEY);
    expect(policyViolations).toEqual([]);
  });

  it('signs out; the audit page then goes to the sign-in form', async () => {
    await page.goto(`${origin}/admin/audit`);
    await Promise.all([page.waitForURL(/\/admin\/sign_in/), page.getByRole('button', { name: 'Sign out' }).click()]);
    await page.goto(`${origin}/admin/audit`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign_in');
    expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('gitlab_users_admin_session');
  });

  it('every request any page made went to this server', () => {
    expect(requests.length).toBeGreaterThan(10);
    const elsewhere = requests.filter((url) => !url.startsWith('data:') && new URL(url).hostname !== '127.0.0.1');
    expect(elsewhere).toEqual([]);
    expect(policyViolations).toEqual([]);
  });
});
