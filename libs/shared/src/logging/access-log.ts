import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { requestSummary } from './logger-options.js';
import { requestIdFor } from './request-id.js';

type LoggedRequest = IncomingMessage & { id?: string; originalUrl?: string; route?: { path?: unknown } };

/** Told of every request the access log times: its method, the route that answered it (its pattern, not the URL), status and seconds. */
export type RequestObserver = (method: string, route: string, status: number, seconds: number) => void;
const STARTED_AT = Symbol('access log: request start');
type LoggedResponse = ServerResponse<LoggedRequest> & { [STARTED_AT]?: number };

/**
 * The access log, mounted before everything else: gives each request its id (echoed as
 * `X-Request-Id` on every answer, errors included) and writes one JSON line per request (not for
 * the `/-/` probes) with the id, method, URL (secrets redacted once, here), status, response time,
 * remote address and user agent; `error` for a 5xx, `info` otherwise. The per-request cost is the
 * id, a timestamp and one listener: no child logger, no serializers.
 */
export function accessLog(logger: Logger, observe?: RequestObserver): (req: LoggedRequest, res: LoggedResponse, next: () => void) => void {
  // One listener, shared by every response: Node emits `close` once per response, after `finish`
  // when the answer went out whole, and alone when the connection was lost first.
  function writeLine(this: LoggedResponse): void {
    const statusCode = this.statusCode;
    if (observe) {
      // A route pattern keeps the label set small (`/api/v4/users/:id`, never each id); a request no route took is `unmatched`.
      const route = typeof this.req.route?.path === 'string' ? this.req.route.path : 'unmatched';
      observe(this.req.method ?? 'GET', route, statusCode, (Date.now() - (this[STARTED_AT] ?? Date.now())) / 1000);
    }
    const level = statusCode >= 500 ? 'error' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    const req = this.req;
    const sent = !req.readableAborted && this.writableEnded;
    const line = { req: requestSummary(req), res: { statusCode }, responseTime: Date.now() - (this[STARTED_AT] ?? Date.now()) };
    logger[level](line, !sent ? 'request aborted' : statusCode >= 500 ? 'request errored' : 'request completed');
  }

  return (req, res, next) => {
    req.id = requestIdFor(req, res);
    if (!req.url?.startsWith('/-/')) {
      res[STARTED_AT] = Date.now();
      // Read now: the socket keeps its peer's address once read (once per connection), so the line
      // still has it when the client is gone before the answer.
      void req.socket.remoteAddress;
      res.on('close', writeLine);
    }
    next();
  };
}
