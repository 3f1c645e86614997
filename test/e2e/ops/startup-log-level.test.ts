import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PinoLogger } from 'nestjs-pino';
import { createApiApp } from '../../../apps/api/src/create-api-app.js';
import { loadConfig, loggerOptions, type AppConfig } from '../../../libs/shared/src/index.js';
import { createTestDatabase, dropDatabase } from '../../support/test-database.js';

/**
 * Booting the API logs no route-by-route report at `info`; the same lines are there at `debug`.
 * The app is booted in this process with its logging on, writing into memory.
 */

interface LogLine {
  level: number;
  context?: string;
  msg?: string;
}

/** Nest's report of what it mapped: `UsersController {/api/v4/users}:`, `Mapped {/api/v4/users, GET} route`. */
const ROUTE_REPORT = new Set(['RoutesResolver', 'RouterExplorer']);
const DEBUG = 20;
const INFO = 30;

describe('start-up logging: Nest reports its routes at debug, not at info', () => {
  const lines: LogLine[] = [];
  const memory = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text.trim()) lines.push(JSON.parse(text) as LogLine);
      done();
    },
  });
  let database: { name: string; url: string };
  let config: AppConfig;

  /** Boots the API as main does (logger on), returns the lines it logged while booting. */
  async function boot(): Promise<LogLine[]> {
    const from = lines.length;
    let app: NestExpressApplication | undefined;
    try {
      app = await createApiApp(config);
      await app.init();
    } finally {
      await app?.close();
    }
    return lines.slice(from);
  }

  beforeAll(async () => {
    database = await createTestDatabase('startup-log');
    config = { ...loadConfig({}), databaseUrl: database.url, queuePrefix: `test-${database.name}`, logLevel: 'info' };
    // nestjs-pino builds one root pino logger per process, from whichever parameters reach it
    // first; the API's own options at `info`, with the memory stream as destination, get there first.
    new PinoLogger({ ...loggerOptions('info'), pinoHttp: [loggerOptions('info').pinoHttp as object, memory] });
  });
  afterAll(async () => {
    if (database) await dropDatabase(database.name);
  });

  it('at info, booting the API writes no route-mapping line and no other Nest boot line', async () => {
    const written = await boot();
    expect(written.filter((line) => ROUTE_REPORT.has(line.context ?? ''))).toEqual([]);
    expect(written.filter((line) => /^Mapped \{/.test(line.msg ?? ''))).toEqual([]);
    expect(written.map((line) => line.context)).not.toContain('InstanceLoader');
    // The logger really writes here: a line at info still gets through.
    PinoLogger.root.info({ context: 'Probe' }, 'logged at info');
    expect(lines.at(-1)).toMatchObject({ level: INFO, context: 'Probe', msg: 'logged at info' });
  });

  it('at debug (LOG_LEVEL=debug), the route report is there, every line of it at level debug', async () => {
    PinoLogger.root.level = 'debug';
    const written = await boot();
    const routes = written.filter((line) => ROUTE_REPORT.has(line.context ?? ''));
    expect(routes.map((line) => line.msg)).toEqual(expect.arrayContaining([expect.stringMatching(/^Mapped \{\/api\/v4\/users, GET\} route$/)]));
    expect(routes.length).toBeGreaterThan(20);
    expect(new Set(routes.map((line) => line.level))).toEqual(new Set([DEBUG]));
  });
});
