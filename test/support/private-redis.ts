import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, poll } from './process-harness.js';

/**
 * A redis-server of the test's own on a free port, so a test can flush, stop and replace it
 * without touching the Redis that every other test file shares.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts an empty server on the same port (as a replaced Redis would be). */
  async start(): Promise<void> {
    if (this.child) throw new Error('the private Redis is already running');
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.child = child;
    child.on('exit', () => {
      if (this.child === child) this.child = null;
    });
    await poll(() => this.ping().then((ok) => (ok ? true : undefined)), 10_000, () => `redis-server on port ${this.port} to answer`, 50);
  }

  /** Stops the server at once, keeping nothing. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async command(...args: [string, ...(string | number)[]]): Promise<unknown> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await client.call(...args);
    } finally {
      client.disconnect();
    }
  }

  private async ping(): Promise<boolean> {
    return this.command('PING').then(
      (reply) => reply === 'PONG',
      () => false,
    );
  }
}
