import { createServer, type Server } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, ServiceMetrics, type AppConfig } from '@app/shared';

/**
 * The worker's `GET /-/metrics` on `WORKER_METRICS_PORT` (0: none): the same registry as the
 * API's, so a scrape of either process shows queue depth, relay lag and the audit backlog, plus
 * that process's own memory, CPU and event loop. Nothing else is served.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsServer.name);
  private server: Server | null = null;

  constructor(
    private readonly metrics: ServiceMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Listens on the configured port and host; answers the port, or null when disabled or when the
   * port is taken (logged: the worker's jobs matter more than its metrics, so it keeps running).
   */
  async start(): Promise<number | null> {
    if (this.config.workerMetricsPort === 0) return null;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/-/metrics') {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: '404 Not Found' }));
        return;
      }
      this.metrics.render().then(
        ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
        (error: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.config.workerMetricsPort, this.config.workerMetricsHost, () => resolve());
      });
    } catch (error) {
      this.logger.error(
        { port: this.config.workerMetricsPort, reason: error instanceof Error ? error.message : String(error) },
        'Could not serve the worker metrics (is another process on WORKER_METRICS_PORT?); the worker runs on without them. Set WORKER_METRICS_PORT to a free port, or 0 to turn them off',
      );
      return null;
    }
    this.server = server;
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : null;
    this.logger.log({ port, host: this.config.workerMetricsHost }, 'Worker metrics served at /-/metrics');
    return port;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
