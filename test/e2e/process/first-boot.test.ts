import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  cleanUp,
  databaseExists,
  freePort,
  httpRequest,
  killStartedProcesses,
  processTestDatabaseName,
  queryDatabase,
  requireBuiltService,
  serviceEnv,
  ServiceProcess,
  uniqueQueuePrefix,
} from '../../support/process-harness.js';

/** Pino lines at error level or above (50+): a clean boot and a clean stop log none. */
function errorLogLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => {
    if (!line.startsWith('{')) return false;
    try {
      return (JSON.parse(line) as { level?: number }).level! >= 50;
    } catch {
      return false;
    }
  });
}

describe('process: first boot of `npm start` (the built launcher) on a database that does not exist', () => {
  const databaseName = processTestDatabaseName('first_boot');
  const queuePrefix = uniqueQueuePrefix('first-boot');
  let port: number;
  let rootToken: string | undefined;

  beforeAll(async () => {
    requireBuiltService();
    port = await freePort();
  });

  afterAll(async () => {
    await killStartedProcesses();
    await cleanUp(databaseName, queuePrefix);
  });

  const startLauncher = (label: string) => new ServiceProcess(label, 'launcher', serviceEnv({ databaseName, queuePrefix, port }));

  it('creates the database, prints exactly one generated root token that authenticates as root, and stops with exit code 0 on SIGTERM', async () => {
    expect(await databaseExists(databaseName)).toBe(false);

    const launcher = startLauncher('launcher (first boot)');
    await launcher.waitUntilReady(port);
    await launcher.waitForOutput(/Worker started/);

    expect(await databaseExists(databaseName)).toBe(true);
    expect(launcher.stderr).toContain(`Created database`);
    const tokenLines = launcher.stdout.split('\n').filter((line) => line.includes('glpat-'));
    expect(tokenLines).toHaveLength(1);
    expect(launcher.stderr).not.toContain('glpat-');
    const token = tokenLines[0].trim();
    expect(token).toMatch(/^glpat-[A-Za-z0-9_-]{20,}$/);
    rootToken = token;

    const me = await httpRequest(port, 'GET', '/api/v4/user', { headers: { 'PRIVATE-TOKEN': token } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: 1, username: 'root', is_admin: true });

    // `closed` waits until the launcher AND its API and worker children released the pipes.
    const exit = await launcher.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(launcher.stderr).not.toMatch(/exited \(|failed/i);
    expect(errorLogLines(launcher.stdout)).toEqual([]);
  }, 90_000);

  it('boots again on the same database without printing a token: the first token still works, and there is one root and one root token', async () => {
    expect(rootToken).toBeDefined();
    const launcher = startLauncher('launcher (second boot)');
    await launcher.waitUntilReady(port);
    await launcher.waitForOutput(/Worker started/);

    const me = await httpRequest(port, 'GET', '/api/v4/user', { headers: { 'PRIVATE-TOKEN': rootToken! } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: 1, username: 'root', is_admin: true });

    const exit = await launcher.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(launcher.output).not.toContain('glpat-');
    expect(launcher.output).not.toContain(rootToken!);
    expect(launcher.stderr).not.toContain('Created database');
    expect(errorLogLines(launcher.stdout)).toEqual([]);

    const users = await queryDatabase<{ id: string; username: string }>(databaseName, 'SELECT id::text, username FROM identity.users ORDER BY users.id');
    expect(users).toEqual([{ id: '1', username: 'root' }]);
    const tokens = await queryDatabase<{ user_id: string }>(databaseName, 'SELECT user_id::text FROM credentials.personal_access_tokens');
    expect(tokens).toEqual([{ user_id: '1' }]);
  }, 90_000);

  it('a setting that cannot be used (TRUSTED_PROXIES=proxy.local) stops the launcher, the API and the worker at once: exit 1, the variable named, and "fix it" rather than "check PostgreSQL"', async () => {
    for (const entry of ['launcher', 'api', 'worker'] as const) {
      const service = new ServiceProcess(`${entry} (bad setting)`, entry, { ...serviceEnv({ databaseName: processTestDatabaseName('bad_setting'), queuePrefix, port }), TRUSTED_PROXIES: 'loopback, proxy.local' });
      expect(await service.closed).toEqual({ code: 1, signal: null });
      expect(service.stderr).toContain('Environment variable TRUSTED_PROXIES: "proxy.local" is not an IP address');
      expect(service.stderr).toContain('Fix that environment variable and start again.');
      expect(service.stderr).not.toContain('Check that PostgreSQL');
    }
    // Refused before anything was touched: no database was created for it.
    expect(await databaseExists(processTestDatabaseName('bad_setting'))).toBe(false);
  }, 60_000);
});
