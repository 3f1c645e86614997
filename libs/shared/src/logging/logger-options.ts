import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';

/** Parameters whose values are secrets, wherever they are sent (by their decoded name, any letter case). */
const SECRET_PARAMS = new Set(['private_token', 'access_token', 'token', 'job_token', 'password']);

/** A query parameter's name as the server reads it: `+` is a space, percent-escapes decoded (left as sent when malformed). */
function decodeParamName(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** `password`, `PRIVATE_TOKEN`, `user[password]`, `token[]`: any part of the name that is a secret's name. */
export function isSecretParam(name: string): boolean {
  return name
    .toLowerCase()
    .split(/[[\]]+/)
    .some((part) => SECRET_PARAMS.has(part));
}

/**
 * The URL as logged: the value of every secret parameter is replaced, judged by its name after
 * decoding, since `?private%5Ftoken=` and `?pass%77ord=` reach the server as `private_token`
 * and `password`. The name stays as sent, so the log still shows where the secret was.
 */
export function redactQuery(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const start = url.indexOf('?');
  if (start < 0) return url;
  const pairs = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return isSecretParam(decodeParamName(name)) ? `${name}=[REDACTED]` : pair;
    });
  return `${url.slice(0, start)}?${pairs.join('&')}`;
}

/** Accepts a caller's X-Request-Id when it is short and plain; otherwise makes one. */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * Nest's own start-up report: a line per module, controller and route (some 50 lines, `Mapped
 * {/api/v4/users, GET} route` …). Worth seeing when debugging, noise at `info`.
 */
const BOOT_CONTEXTS = new Set<unknown>(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);
const INFO = 30;

/** An `info` line written by Nest while it boots: a `context` from BOOT_CONTEXTS. */
function isBootReport(level: number, args: unknown[]): boolean {
  const first = args[0];
  return level === INFO && typeof first === 'object' && first !== null && BOOT_CONTEXTS.has((first as { context?: unknown }).context);
}

/** JSON logs (pino) with a request id on every line and secrets redacted; Nest's boot report at `debug`. */
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
      hooks: {
        logMethod(args, write, level) {
          if (isBootReport(level, args)) return this.debug(...args);
          return write.apply(this, args);
        },
      },
    },
  };
}
