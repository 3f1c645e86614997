import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { enforceShutdownDeadline, ensureDatabase, loadConfig, redactUrl, runMigrationsLocked } from '@app/shared';
import { createApiApp } from './create-api-app.js';
import { RootBootstrap } from './root-bootstrap.js';

export { startupAdvice } from '@app/shared';

/** Runs the api; `started` is called once Nest's shutdown hooks listen for signals. */
export async function runApi(started: () => void): Promise<void> {
  const config = loadConfig();
  if (process.env.SKIP_DB_PREPARE !== '1') {
    if (await ensureDatabase(config.databaseUrl)) console.error(`Created database ${redactUrl(config.databaseUrl)}`);
  }
  // A service stopped by SIGTERM (after draining) exits 0.
  const app = await createApiApp(config, { exitOnSignal: true });
  // Nest's shutdown hooks listen from here on.
  started();
  await app.init();
  if (process.env.SKIP_DB_PREPARE !== '1') await runMigrationsLocked(app.get(DataSource));
  const token = await app.get(RootBootstrap).run();
  if (token && config.rootPersonalAccessToken) console.error('Created root (user 1) with the token from ROOT_PERSONAL_ACCESS_TOKEN');
  if (token && !config.rootPersonalAccessToken) {
    // The one time this secret is written anywhere: an operator needs it to start.
    process.stdout.write(
      `\nRoot personal access token (user 1, root; scopes api, read_api, read_user, sudo, admin_mode):\n  ${token}\nStore it now: it is not shown again.\n\n`,
    );
  }
  // Once draining, a keep-alive connection closes as soon as its response is sent (not after the
  // keep-alive timeout), so idle pooled clients do not hold the stopping process.
  enforceShutdownDeadline(config.shutdownTimeoutMs, 'API', () => {
    const server = app.getHttpServer();
    server.keepAliveTimeout = 1;
    server.closeIdleConnections();
  });
  await app.listen(config.port, '0.0.0.0');
  // The one `info` line of a normal start (Nest's route-by-route report is logged at `debug`).
  new Logger('Api').log({ url: `${config.externalUrl}/api/v4`, port: config.port }, `API listening on ${config.externalUrl}/api/v4 (port ${config.port})`);
  // On stderr whatever LOG_LEVEL, like "Worker started": a supervisor (or a test) can tell this
  // process listens on the port, rather than another that answers there.
  console.error(`API listening on port ${config.port} (pid ${process.pid})`);
}
