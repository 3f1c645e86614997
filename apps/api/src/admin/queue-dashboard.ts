import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { AppViewRoute } from '@bull-board/api/typings/app';
import { ExpressAdapter } from '@bull-board/express';
import type { NextFunction, Request, Response } from 'express';
import type { QueueRegistry } from '@app/shared';
import { QUEUES_PATH } from './admin-paths.js';

/**
 * A `<link>` to another host (Bull Board's page asks Google for its fonts). Its styles name
 * system fonts after those, so without the link the page still renders, with no outside request.
 */
const EXTERNAL_LINK = /<link\b[^>]*\bhref\s*=\s*["']?(?:[a-z][a-z0-9+.-]*:)?\/\/[^>]*>/gi;

/** Bull Board's page as served here: nothing loaded from another host. */
export function selfContainedPage(html: string): string {
  return html.replace(EXTERNAL_LINK, '');
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
 * Bull Board for operators, at `/admin/queues`: the admin area's session check runs before it
 * (its page, its queue data and its actions), except for the files of its npm package (scripts,
 * styles, locales), which hold nothing about this service.
 */
export function queueDashboard(queues: QueueRegistry) {
  const adapter = new SelfContainedExpressAdapter();
  adapter.setBasePath(QUEUES_PATH);
  createBullBoard({ queues: queues.all().map((queue) => new BullMQAdapter(queue)), serverAdapter: adapter });
  return adapter.getRouter();
}
