import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import { pino, type LoggerOptions } from 'pino';
import { accessLog } from './access-log.js';
import { loggerOptions } from './logger-options.js';

type Line = { level: number; msg: string; req: Record<string, unknown>; res: { statusCode: number }; responseTime: number };

/** A request and its response as Node hands them over, reduced to what the access log reads. */
function exchange(url: string, headers: Record<string, string> = {}) {
  const req = { method: 'GET', url, originalUrl: url, headers, socket: { remoteAddress: '10.1.2.3' }, readableAborted: false, id: undefined as string | undefined };
  const sentHeaders: Record<string, string> = {};
  const res = Object.assign(new EventEmitter(), {
    req,
    statusCode: 200,
    writableEnded: false,
    setHeader: (name: string, value: string) => {
      sentHeaders[name.toLowerCase()] = value;
    },
  });
  return { req, res, sentHeaders };
}

/** The access log over a real pino logger (the application's options) writing into memory. */
function logged(level = 'info') {
  const lines: Line[] = [];
  const logger = pino(loggerOptions(level).pinoHttp as LoggerOptions, { write: (text: string) => lines.push(JSON.parse(text) as Line) });
  const middleware = accessLog(logger) as unknown as (req: unknown, res: unknown, next: () => void) => void;
  const serve = (url: string, headers: Record<string, string> = {}) => {
    const current = exchange(url, headers);
    let nexts = 0;
    middleware(current.req, current.res, () => (nexts += 1));
    expect(nexts).toBe(1);
    return current;
  };
  return { lines, serve };
}

describe('accessLog', () => {
  it('given an answered request, then one info line with its id, method, URL, status, time, address and user agent', () => {
    const { lines, serve } = logged();
    const { res, sentHeaders } = serve('/api/v4/users/1', { 'x-request-id': 'client-7', 'user-agent': 'probe/1' });
    expect(sentHeaders['x-request-id']).toBe('client-7');
    expect(lines).toEqual([]);
    res.writableEnded = true;
    res.emit('close');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: 'client-7', method: 'GET', url: '/api/v4/users/1', remoteAddress: '10.1.2.3', userAgent: 'probe/1' },
      res: { statusCode: 200 },
    });
    expect(lines[0].responseTime).toBeGreaterThanOrEqual(0);
    expect(Object.keys(lines[0].req).sort()).toEqual(['id', 'method', 'remoteAddress', 'url', 'userAgent']);
  });

  it('given a client behind a trusted proxy (Express sets req.ip from X-Forwarded-For), then the line has both the peer and the client', () => {
    const { lines, serve } = logged();
    const proxied = serve('/api/v4/users/1');
    Object.assign(proxied.req, { ip: '203.0.113.7' });
    proxied.res.writableEnded = true;
    proxied.res.emit('close');
    const direct = serve('/api/v4/users/2');
    Object.assign(direct.req, { ip: '10.1.2.3' });
    direct.res.writableEnded = true;
    direct.res.emit('close');
    expect(lines.map((line) => [line.req.remoteAddress, line.req.clientAddress])).toEqual([
      ['10.1.2.3', '203.0.113.7'],
      ['10.1.2.3', undefined],
    ]);
    expect(Object.keys(lines[1].req)).not.toContain('clientAddress');
  });

  it('given secrets in the query, then the URL shows where they were, never their values', () => {
    const { lines, serve } = logged();
    const { res } = serve('/api/v4/user?private_token=glpat-secret1&pass%77ord=hunter2&page=2');
    res.writableEnded = true;
    res.emit('close');
    expect(lines[0].req.url).toBe('/api/v4/user?private_token=[REDACTED]&pass%77ord=[REDACTED]&page=2');
  });

  it('given a 5xx, then the line is at error level', () => {
    const { lines, serve } = logged();
    const { res } = serve('/api/v4/users');
    res.statusCode = 503;
    res.writableEnded = true;
    res.emit('close');
    expect(lines).toEqual([expect.objectContaining({ level: 50, msg: 'request errored', res: { statusCode: 503 } })]);
  });

  it('given a client gone before the answer, then the line says aborted', () => {
    const { lines, serve } = logged();
    const { res } = serve('/api/v4/users');
    res.emit('close');
    expect(lines).toEqual([expect.objectContaining({ level: 30, msg: 'request aborted' })]);
  });

  it('given a /-/ probe, then it gets an id but no line', () => {
    const { lines, serve } = logged();
    const { req, res, sentHeaders } = serve('/-/liveness');
    res.writableEnded = true;
    res.emit('close');
    expect(lines).toEqual([]);
    expect(req.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sentHeaders['x-request-id']).toBe(req.id);
  });

  it('given LOG_LEVEL=warn, then answered requests write nothing and 5xx still do', () => {
    const { lines, serve } = logged('warn');
    const ok = serve('/api/v4/users').res;
    ok.writableEnded = true;
    ok.emit('close');
    const failed = serve('/api/v4/users').res;
    failed.statusCode = 500;
    failed.writableEnded = true;
    failed.emit('close');
    expect(lines.map((line) => line.res.statusCode)).toEqual([500]);
  });
});
