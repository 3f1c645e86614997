import { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { stdSerializers } from 'pino';

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

/** A request as a log line shows it: never its headers (credentials) or body. */
export interface RequestSummary {
  id: unknown;
  method: string | undefined;
  url: string | undefined;
  remoteAddress: string | undefined;
  /** The client behind a trusted proxy (TRUSTED_PROXIES), when that is not the peer itself. */
  clientAddress?: string;
  userAgent: string | undefined;
}

type SummarisedRequest = Pick<IncomingMessage, 'method' | 'url' | 'headers' | 'socket'> & { id?: unknown; originalUrl?: string; ip?: string };

export function requestSummary(req: SummarisedRequest): RequestSummary {
  return {
    id: req.id,
    method: req.method,
    // Express rewrites `url` inside mounted routers; `originalUrl` is what the client asked for.
    url: redactQuery(req.originalUrl ?? req.url),
    remoteAddress: req.socket?.remoteAddress,
    ...(req.ip !== undefined && req.ip !== req.socket?.remoteAddress ? { clientAddress: req.ip } : {}),
    userAgent: req.headers['user-agent'],
  };
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

/**
 * JSON logs (pino); Nest's boot report at `debug`. Requests are logged by accessLog, one line each,
 * so nestjs-pino's pino-http middleware (a child logger and serializers per request) is mounted on
 * no route: `forRoutes: []`. Its logger stays the application's logger.
 */
export function loggerOptions(level: string): Params {
  return {
    forRoutes: [],
    pinoHttp: {
      level,
      // Only these serializers, not pino-http's wrappers: an access line's `req` is a summary already.
      wrapSerializers: false,
      serializers: {
        // A raw request or response logged by application code is summarised the same way, so its
        // headers (PRIVATE-TOKEN, Authorization, Cookie) and body never reach a line.
        req: (req: unknown) => (req instanceof IncomingMessage ? requestSummary(req) : req),
        res: (res: unknown) => (res instanceof ServerResponse ? { statusCode: res.statusCode } : res),
        err: stdSerializers.err,
      },
      hooks: {
        logMethod(args, write, level) {
          if (isBootReport(level, args)) return this.debug(...args);
          return write.apply(this, args);
        },
      },
    },
  };
}
