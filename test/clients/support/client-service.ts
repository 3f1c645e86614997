import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  cleanUp,
  killStartedProcesses,
  requireBuiltService,
  serviceEnv,
  ServiceProcess,
  startOnFreePort,
  uniqueQueuePrefix,
} from '../../support/process-harness.js';
import { createTestDatabase } from '../../support/test-database.js';
import { AVATAR_PNG } from './avatar-png.js';

/**
 * A per-user GET /users/:id budget small enough to exhaust in a test (admins are never limited).
 * Only the rate-limit cases call GET /users/:id as a non-admin, each with a user of its own.
 */
export const USERS_GET_BY_ID_LIMIT = 3;

/**
 * One built service (launcher: API + worker) per client test file, with its own database,
 * queue prefix, port and root token, plus a scratch directory for files the clients read.
 */
export interface ClientService {
  /** What a GitLab client is configured with: the instance URL, without /api/v4. */
  url: string;
  rootToken: string;
  /** A temporary directory of this run (CLI config, the avatar file). */
  scratchDir: string;
  /** The avatar fixture, written to `scratchDir` for clients that upload from a path. */
  avatarPath: string;
  /** The service's process, for its log tail when a client test fails. */
  launcher: ServiceProcess;
  /** Kills the processes, drops the database and queue keys, removes the scratch directory. */
  stop(): Promise<void>;
}

export async function startClientService(label: string): Promise<ClientService> {
  requireBuiltService();
  // A copy of the migrated template: the service's boot then finds nothing to migrate (seconds saved
  // per file); it still creates root and its token itself, as on any first boot.
  const { name: databaseName } = await createTestDatabase(`clients_${label}`);
  const queuePrefix = uniqueQueuePrefix(`clients-${label}`);
  const rootToken = `glpat-clients-${randomBytes(12).toString('base64url')}`;
  const scratchDir = mkdtempSync(path.join(os.tmpdir(), `gitlab-clients-${label}-`));
  const avatarPath = path.join(scratchDir, 'avatar.png');
  writeFileSync(avatarPath, AVATAR_PNG);

  const stop = async () => {
    await killStartedProcesses();
    rmSync(scratchDir, { recursive: true, force: true });
    await cleanUp(databaseName, queuePrefix);
  };
  const env = (port: number) =>
    serviceEnv({
      databaseName,
      queuePrefix,
      port,
      rootToken,
      logLevel: 'warn',
      extra: { USERS_GET_BY_ID_LIMIT: String(USERS_GET_BY_ID_LIMIT), USERS_GET_BY_ID_INTERVAL_SECONDS: '600' },
    });
  let started: { port: number; child: ServiceProcess };
  try {
    started = await startOnFreePort((port) => new ServiceProcess(`launcher (${label} clients)`, 'launcher', env(port)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${started.port}`, rootToken, scratchDir, avatarPath, launcher: started.child, stop };
}
