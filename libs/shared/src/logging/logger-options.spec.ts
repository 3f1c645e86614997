import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, it, expect } from '@jest/globals';
import { pino, type LoggerOptions } from 'pino';
import { loggerOptions, redactQuery } from './logger-options.js';

describe('redactQuery', () => {
  it.each([
    ['/api/v4/user?private_token=glpat-abc123', '/api/v4/user?private_token=[REDACTED]'],
    ['/api/v4/users?per_page=5&private_token=glpat-abc&page=2', '/api/v4/users?per_page=5&private_token=[REDACTED]&page=2'],
    ['/api/v4/users/1?password=S3cret!pass&name=x', '/api/v4/users/1?password=[REDACTED]&name=x'],
    ['/oauth?token=t0k3n', '/oauth?token=[REDACTED]'],
    ['/api/v4/user?access_token=oauth-xyz', '/api/v4/user?access_token=[REDACTED]'],
    ['/api/v4/user?PRIVATE_TOKEN=glpat-upper', '/api/v4/user?PRIVATE_TOKEN=[REDACTED]'],
    ['/x?private_token=a&password=b&token=c', '/x?private_token=[REDACTED]&password=[REDACTED]&token=[REDACTED]'],
    ['/x?private_token=', '/x?private_token=[REDACTED]'],
    // Decoded names: the server reads these as private_token and password.
    ['/api/v4/user?private%5Ftoken=glpat-enc', '/api/v4/user?private%5Ftoken=[REDACTED]'],
    ['/api/v4/user?%70rivate_token=glpat-enc', '/api/v4/user?%70rivate_token=[REDACTED]'],
    ['/api/v4/user?%70%72%69%76%61%74%65%5f%74%6f%6b%65%6e=glpat-enc', '/api/v4/user?%70%72%69%76%61%74%65%5f%74%6f%6b%65%6e=[REDACTED]'],
    ['/api/v4/users?pass%77ord=S3cret', '/api/v4/users?pass%77ord=[REDACTED]'],
    ['/api/v4/users?PASS%57ORD=S3cret', '/api/v4/users?PASS%57ORD=[REDACTED]'],
    ['/api/v4/users?user%5Bpassword%5D=S3cret&name=x', '/api/v4/users?user%5Bpassword%5D=[REDACTED]&name=x'],
    ['/api/v4/users?password[]=S3cret', '/api/v4/users?password[]=[REDACTED]'],
    ['/api/v4/users?password', '/api/v4/users?password=[REDACTED]'],
    ['/api/v4/users?%E0%A4%A=1&password=S3cret', '/api/v4/users?%E0%A4%A=1&password=[REDACTED]'],
  ])('given %s, then %s', (url, logged) => {
    expect(redactQuery(url)).toBe(logged);
  });

  it('given a secret value, then it does not survive anywhere in the logged URL', () => {
    expect(redactQuery('/api/v4/users?private_token=glpat-verysecret&search=jo')).not.toContain('verysecret');
  });

  it.each([
    '/api/v4/users?search=token&order_by=id',
    '/api/v4/users?my_token=keep&reset_password=true',
    '/api/v4/users/password/token',
    '/api/v4/users',
  ])('given %s (no secret parameter), then it is unchanged', (url) => {
    expect(redactQuery(url)).toBe(url);
  });

  it('given no URL, then undefined', () => {
    expect(redactQuery(undefined)).toBeUndefined();
  });
});

describe('loggerOptions', () => {
  it('given application code that logs a raw request, then only its summary is written: no header, no body, the URL redacted', () => {
    const written: string[] = [];
    const logger = pino(loggerOptions('info').pinoHttp as LoggerOptions, { write: (text: string) => written.push(text) });
    const req = new IncomingMessage(new Socket());
    Object.assign(req, {
      method: 'POST',
      url: '/api/v4/users?private_token=glpat-in-query',
      headers: { 'private-token': 'glpat-in-header', authorization: 'Bearer glpat-bearer', 'user-agent': 'ua/1' },
      body: { password: 'S3cret-body' },
    });

    logger.warn({ req }, 'odd request');

    expect(written).toHaveLength(1);
    const line = JSON.parse(written[0]) as { req: Record<string, unknown> };
    expect(line.req).toEqual({ method: 'POST', url: '/api/v4/users?private_token=[REDACTED]', userAgent: 'ua/1' });
    for (const secret of ['glpat-in-query', 'glpat-in-header', 'glpat-bearer', 'S3cret-body']) expect(written[0]).not.toContain(secret);
  });
});
