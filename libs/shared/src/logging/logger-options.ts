import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';

const SECRET_QUERY = /([?&](?:private_token|access_token|password|token)=)[^&]*/gi;

/** The URL as logged: token and password parameters are never written to logs. */
export function redactQuery(url: string | undefined): string | undefined {
  return url?.replace(SECRET_QUERY, '$1[REDACTED]');
}

/** Accepts a caller's X-Request-Id when it is short and plain; otherwise makes one. */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** JSON logs (pino) with a request id on every line and secrets redacted. */
export function loggerOptions(level: string): Params {
  return {
    pinoHttp: {
      level,
      genReqId: requestIdFor,
      redact: {
        paths: ['req.headers["private-token"]', 'req.headers.authorization', 'req.headers.cookie', 'req.body.password', 'req.body.private_token'],
        censor: '[REDACTED]',
      },
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string; headers: Record<string, unknown> }) => ({
          id: req.id,
          method: req.method,
          url: redactQuery(req.url),
          remoteAddress: req.remoteAddress,
          userAgent: req.headers['user-agent'],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/-/') },
    },
  };
}
