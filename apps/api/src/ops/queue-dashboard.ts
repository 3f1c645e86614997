import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { NextFunction, Request, Response } from 'express';
import { CallerDirectory, QueueRegistry, tokenDigest, tokenExpired } from '@app/shared';

export const QUEUE_DASHBOARD_PATH = '/-/queues';

/**
 * Bull Board for operators, behind HTTP Basic auth whose password is an admin's
 * personal access token (any user name): browsers resend it for the page's assets.
 */
export function queueDashboard(queues: QueueRegistry, directory: CallerDirectory) {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.all().map((queue) => new BullMQAdapter(queue)), serverAdapter: adapter });

  const challenge = (res: Response, reason: string) =>
    res.status(401).setHeader('WWW-Authenticate', 'Basic realm="queues", charset="UTF-8"').type('application/json').send(JSON.stringify({ message: `401 Unauthorized - ${reason}` }));

  const guard = async (req: Request, res: Response, next: NextFunction) => {
    try {
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
