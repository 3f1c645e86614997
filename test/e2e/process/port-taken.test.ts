import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  cleanUp,
  freePort,
  httpRequest,
  killStartedProcesses,
  requireBuiltService,
  serviceEnv,
  ServiceProcess,
  startOnFreePort,
  uniqueQueuePrefix,
} from '../../support/process-harness.js';
import { createTestDatabase } from '../../support/test-database.js';

/**
 * Parallel test files each pick a free port and start a service on it; another file's service can
 * take that port first. The API then fails to listen, while the other service answers readiness
 * there. The harness must not take that service for its own (its root token would be refused:
 * `invalid_token`), and starts again on another port instead.
 */
describe('process: a port another service took between picking it and listening on it', () => {
  const queuePrefix = uniqueQueuePrefix('port-taken');
  const rootToken = `glpat-proc-${randomBytes(15).toString('base64url')}`;
  let databaseName: string;
  let impostor: http.Server;
  let takenPort: number;

  beforeAll(async () => {
    requireBuiltService();
    databaseName = (await createTestDatabase('port_taken')).name;
    // Another "service" on the port, ready by every measure a probe can take.
    impostor = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}'));
    await new Promise<void>((resolve) => impostor.listen(0, '0.0.0.0', resolve));
    takenPort = (impostor.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await killStartedProcesses();
    await new Promise((resolve) => impostor?.close(resolve));
    await cleanUp(databaseName, queuePrefix);
  });

  const startApi = (port: number) => new ServiceProcess(`api on port ${port}`, 'api', serviceEnv({ databaseName, queuePrefix, port, rootToken, logLevel: 'warn' }));

  it('the API that could not listen is never reported ready, although the port answers readiness', async () => {
    const api = startApi(takenPort);
    await expect(api.waitUntilReady(takenPort)).rejects.toThrow(/exited before becoming ready/);
    expect(api.stderr).toMatch(/API failed to start: listen EADDRINUSE/);
    expect((await httpRequest(takenPort, 'GET', '/-/readiness')).status).toBe(200);
  }, 60_000);

  it('startOnFreePort starts again on another port, and the service found is the one started (its root token works)', async () => {
    const ports = [takenPort];
    const { port, child } = await startOnFreePort(startApi, async () => ports.shift() ?? freePort());
    expect(port).not.toBe(takenPort);
    expect(child.running).toBe(true);
    const me = await httpRequest(port, 'GET', '/api/v4/user', { headers: { 'PRIVATE-TOKEN': rootToken } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: 1, username: 'root' });
  }, 90_000);
});
