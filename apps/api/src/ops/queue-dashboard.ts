import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { AppViewRoute } from '@bull-board/api/typings/app';
import { ExpressAdapter } from '@bull-board/express';
import type { NextFunction, Request, Response } from 'express';
import { CallerDirectory, QueueRegistry, tokenDigest, tokenExpired } from '@app/shared';

export const QUEUE_DASHBOARD_PATH = '/-/queues';

/** Where Bull Board serves the files of its npm package (scripts, styles, images, locales). */
const STATIC_PREFIX = '/static/';

/**
 * A `<link>` to another host (Bull Board's page asks Google for its fonts). Its styles name
 * system fonts after those, so without the link the page still renders, with no outside request.
 */
const EXTERNAL_LINK = /<link\b[^>]*\bhref\s*=\s*["']?(?:[a-z][a-z0-9+.-]*:)?\/\/[^>]*>/gi;

/**
 * Opened as `http://x:TOKEN@host/-/queues/`, the page's base URL keeps the credentials, and
 * `fetch()` refuses any URL that has some: the locale files never load and the page shows raw
 * translation keys. So the page reloads itself once from the same address without them; the
 * browser has kept the credentials for this server and still sends them to the queue API.
 */
const DROP_URL_CREDENTIALS =
  "<script>if (new URL(document.baseURI).username || new URL(document.baseURI).password) { const clean = new URL(location.href); clean.username = ''; clean.password = ''; location.replace(clean.href); }</script>";

/** Bull Board's page as served here: nothing loaded from another host, no credentials in its base URL. */
function selfContainedPage(html: string): string {
  const page = html.replace(EXTERNAL_LINK, '');
  const base = /<base\b[^>]*>/i.exec(page);
  if (!base) return page;
  const end = base.index + base[0].length;
  return `${page.slice(0, end)}\n    ${DROP_URL_CREDENTIALS}${page.slice(end)}`;
}

/** Bull Board's Express adapter, sending its page as `selfContainedPage` makes it. */
class SelfContainedExpressAdapter extends ExpressAdapter {
  override setEntryRoute(routeDef: AppViewRoute): ExpressAdapter {
    const paths = Array.isArray(routeDef.route) ? routeDef.route : [routeDef.route];
    const page = (_req: Request, res: Response, next: NextFunction) => {
      const { name, params } = routeDef.handler({ basePath: this.basePath, uiConfig: this.uiConfig });
      res.render(name, params, (error: Error | null, html: string) => {
        if (error) next(error);
        else res.type('html').send(selfContainedPage(html));
      });
    };
    for (const path of paths) this.app[routeDef.method](path, page);
    return this;
  }
}

/**
 * Bull Board for operators, behind HTTP Basic auth whose password is an admin's personal
 * access token (any user name). The files of Bull Board's npm package are public: a browser
 * given the credentials in the URL (`http://x:TOKEN@host/-/queues/`) does not always send them
 * with the page's scripts and locale files. The page and every API route (queue data and
 * actions) still need the admin token.
 */
export function queueDashboard(queues: QueueRegistry, directory: CallerDirectory) {
  const adapter = new SelfContainedExpressAdapter();
  adapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.all().map((queue) => new BullMQAdapter(queue)), serverAdapter: adapter });

  const challenge = (res: Response, reason: string) =>
    res.status(401).setHeader('WWW-Authenticate', 'Basic realm="queues", charset="UTF-8"').type('application/json').send(JSON.stringify({ message: `401 Unauthorized - ${reason}` }));

  const guard = async (req: Request, res: Response, next: NextFunction) => {
    try {
      if ((req.method === 'GET' || req.method === 'HEAD') && req.path.startsWith(STATIC_PREFIX)) return next();
      const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!match) return challenge(res, 'sign in with an admin personal access token as the password');
      const decoded = Buffer.from(match[1], 'base64').toString('utf8');
      const token = decoded.slice(decoded.indexOf(':') + 1);
      const found = await directory.findTokenByDigest(tokenDigest(token));
      const record = found?.token;
      const active = record && !record.revoked && !tokenExpired(record.expiresAt);
      const user = active ? found.user : null;
      if (!user || !user.isAdmin || user.state !== 'active' || !record?.scopes.includes('api')) {
        return challenge(res, 'the queue dashboard needs an active admin token with the api scope');
      }
      next();
    } catch (error) {
      next(error);
    }
  };
  return { path: QUEUE_DASHBOARD_PATH, guard, router: adapter.getRouter() };
}
