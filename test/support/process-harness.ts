import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { removeRedisKeys, TEST_REDIS_URL } from './redis-keys.js';
import { assertTestDatabase, databaseUrl, dropDatabase, TEST_DB_PREFIX, withAdminClient } from './test-database.js';

/**
 * Runs the BUILT service (dist/) as real child processes: the launcher, the API or the
 * worker, each with its own database, queue prefix and port, and captures their output.
 */

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ENTRY_POINTS = {
  launcher: path.join(REPO_ROOT, 'dist/apps/launcher/src/main.js'),
  api: path.join(REPO_ROOT, 'dist/apps/api/src/main.js'),
  worker: path.join(REPO_ROOT, 'dist/apps/worker/src/main.js'),
} as const;
export type EntryPoint = keyof typeof ENTRY_POINTS;

export const REDIS_URL = TEST_REDIS_URL;

/** Fails with a clear message when the service has not been built. */
export function requireBuiltService(): void {
  const missing = Object.values(ENTRY_POINTS).filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `The process tests run the built service, but ${missing.map((file) => path.relative(REPO_ROOT, file)).join(', ')} ` +
        'is missing. Run `npm run build` first (`npm test` builds before testing).',
    );
  }
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a service on a free port and waits until it is ready there. When another process took
 * the port between freePort and listen (EADDRINUSE), it starts again on another port, at most
 * three times in all. `pickPort` is for the test of this.
 */
export async function startOnFreePort(start: (port: number) => ServiceProcess, pickPort: () => Promise<number> = freePort): Promise<{ port: number; child: ServiceProcess }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await pickPort();
    const child = start(port);
    try {
      await child.waitUntilReady(port);
      return { port, child };
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test(child.stderr)) throw error;
      await child.closed;
    }
  }
}

/** A database name of our own, not created yet: gitlab_users_test_proc_<label>_<pid>_<random>. */
export function processTestDatabaseName(label: string): string {
  const name = `${TEST_DB_PREFIX}proc_${label.replace(/\W+/g, '_').toLowerCase()}_${process.pid}_${Math.floor(Math.random() * 1e6)}`.slice(0, 63);
  assertTestDatabase(name);
  return name;
}

export async function databaseExists(name: string): Promise<boolean> {
  return withAdminClient(async (client) => ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0);
}

/** Runs one query on the test database (a short-lived connection, so DROP is never blocked by us). */
export async function queryDatabase<T extends Record<string, unknown>>(name: string, sql: string, params: unknown[] = []): Promise<T[]> {
  assertTestDatabase(name);
  const client = new pg.Client({ connectionString: databaseUrl(name) });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Drops the test database (terminating its sessions) and deletes the queue keys. */
export async function cleanUp(databaseName: string, queuePrefix: string): Promise<void> {
  await dropDatabase(databaseName);
  if (!queuePrefix.startsWith('proc-test-')) throw new Error(`Refusing to delete Redis keys under "${queuePrefix}"`);
  await removeRedisKeys(REDIS_URL, queuePrefix);
}

export function uniqueQueuePrefix(label: string): string {
  return `proc-test-${label}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
}

export interface ServiceEnv {
  databaseName: string;
  queuePrefix: string;
  port?: number;
  rootToken?: string;
  logLevel?: string;
  extra?: Record<string, string>;
}

/** The child's environment: ours only, nothing inherited that could point it elsewhere. */
export function serviceEnv(options: ServiceEnv): NodeJS.ProcessEnv {
  assertTestDatabase(options.databaseName);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    'DATABASE_URL',
    'REDIS_URL',
    'PORT',
    'EXTERNAL_URL',
    'ROOT_PERSONAL_ACCESS_TOKEN',
    'LOG_LEVEL',
    'QUEUE_PREFIX',
    'SKIP_DB_PREPARE',
    'NODE_OPTIONS',
    'AUTH_CACHE_TTL_MS',
    'NODE_ENV',
  ]) {
    delete env[name];
  }
  return {
    ...env,
    DATABASE_URL: databaseUrl(options.databaseName),
    REDIS_URL,
    QUEUE_PREFIX: options.queuePrefix,
    LOG_LEVEL: options.logLevel ?? 'info',
    RELAY_POLL_INTERVAL_MS: '100',
    // Processes of parallel test files would all take the default port; a test that scrapes the worker sets one.
    WORKER_METRICS_PORT: '0',
    ...(options.port !== undefined ? { PORT: String(options.port), EXTERNAL_URL: `http://127.0.0.1:${options.port}` } : {}),
    ...(options.rootToken !== undefined ? { ROOT_PERSONAL_ACCESS_TOKEN: options.rootToken } : {}),
    ...options.extra,
  };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const started = new Set<ServiceProcess>();

/** One spawned entry point, its captured output and its exit. */
export class ServiceProcess {
  stdout = '';
  stderr = '';
  exit: Exit | null = null;
  /** Resolves once the process exited and every holder of its stdout/stderr (its children too) closed them. */
  readonly closed: Promise<Exit>;
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    entry: EntryPoint,
    env: NodeJS.ProcessEnv,
  ) {
    // Its own process group, so that cleanup can also reach the launcher's children.
    this.child = spawn(process.execPath, [ENTRY_POINTS[entry]], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.child.on('exit', (code, signal) => (this.exit = { code, signal }));
    this.closed = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        started.delete(this);
        resolve({ code, signal });
      });
      this.child.on('error', () => resolve({ code: null, signal: null }));
    });
    started.add(this);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  get running(): boolean {
    return this.exit === null;
  }

  describe(): string {
    const tail = (text: string, lines = 25) => text.split('\n').slice(-lines).join('\n');
    return `${this.name} (pid ${this.child.pid}, exit ${JSON.stringify(this.exit)})\n--- stdout (tail) ---\n${tail(this.stdout)}\n--- stderr (tail) ---\n${tail(this.stderr, 80)}`;
  }

  /** Waits until the output matches `pattern`; fails if the process exits first or time runs out. */
  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    return poll(
      async () => {
        const match = this.output.match(pattern);
        if (match) return match;
        if (!this.running) throw new Error(`${this.name} exited before printing ${pattern}:\n${this.describe()}`);
        return undefined;
      },
      timeoutMs,
      () => `${this.name} to print ${pattern}:\n${this.describe()}`,
    );
  }

  /** Waits until GET /-/readiness answers 200. */
  async waitUntilReady(port: number, timeoutMs = 45_000): Promise<void> {
    // Another test file's service may hold the port (taken between freePort and listen) and answer
    // there: only this process's own line says the answers will be its own.
    const listening = new RegExp(`^API listening on port ${port} `, 'm');
    await poll(
      async () => {
        if (!this.running) throw new Error(`${this.name} exited before becoming ready:\n${this.describe()}`);
        if (!listening.test(this.stderr)) return undefined;
        const status = await httpRequest(port, 'GET', '/-/readiness', { timeoutMs: 2_000 }).then(
          (res) => res.status,
          () => 0,
        );
        return status === 200 ? true : undefined;
      },
      timeoutMs,
      () => `${this.name} readiness on port ${port}:\n${this.describe()}`,
      100,
    );
  }

  /** Sends `signal` and waits (bounded) for the process and its children to be gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<Exit> {
    if (this.running) this.child.kill(signal);
    return this.waitForExit(timeoutMs);
  }

  async waitForExit(timeoutMs = 30_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms:\n${this.describe()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Last resort for cleanup: SIGKILL to the whole process group. */
  kill(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Kills (SIGKILL, by process group) whatever a test file started and left running. */
export async function killStartedProcesses(): Promise<void> {
  const left = [...started];
  for (const proc of left) proc.kill();
  await Promise.all(left.map((proc) => proc.waitForExit(10_000).catch(() => undefined)));
}

export async function poll<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: () => string, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body, or undefined. */
  body: any;
}

export interface HttpOptions {
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  timeoutMs?: number;
}

/** One request to 127.0.0.1:`port` on a connection of its own. */
export function httpRequest(port: number, method: string, urlPath: string, options: HttpOptions = {}): Promise<HttpResponse> {
  const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (payload !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent: false, timeout: options.timeoutMs ?? 15_000 }, (res) => {
      collect(res).then(resolve, reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export function collect(res: http.IncomingMessage): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('response aborted')));
    res.on('end', () => {
      if (!res.complete) return reject(new Error('incomplete response'));
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
    });
  });
}

/**
 * A POST that is in progress on the server before its body is sent: the request goes out
 * with `Expect: 100-continue`, and `accepted` resolves when the server has parsed the
 * headers and answered 100 Continue; `sendBody()` then completes the request.
 */
export interface HeldRequest {
  accepted: Promise<void>;
  sendBody(): void;
  response: Promise<HttpResponse>;
}

export function heldPost(port: number, urlPath: string, headers: Record<string, string>, body: unknown, agent: http.Agent | false = false): HeldRequest {
  const payload = JSON.stringify(body);
  const req = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: urlPath,
    agent,
    headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)), Expect: '100-continue' },
  });
  const accepted = new Promise<void>((resolve, reject) => {
    req.on('continue', () => resolve());
    req.on('error', reject);
  });
  const response = new Promise<HttpResponse>((resolve, reject) => {
    req.on('response', (res) => collect(res).then(resolve, reject));
    req.on('error', reject);
  });
  // Headers only; the body waits for sendBody().
  req.flushHeaders();
  return { accepted, sendBody: () => req.end(payload), response };
}

/** Resolves once nothing accepts connections on 127.0.0.1:`port` any more. */
export async function waitUntilRefused(port: number, timeoutMs = 15_000): Promise<void> {
  await poll(
    () =>
      new Promise<true | undefined>((resolve) => {
        const socket = net.connect({ host: '127.0.0.1', port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(undefined);
        });
        socket.once('error', () => resolve(true));
      }),
    timeoutMs,
    () => `port ${port} to stop accepting connections`,
  );
}

/** An entry point of the built service, ready, on a database and queue prefix of its own. */
export interface RunningService {
  port: number;
  /** The started process. */
  child: ServiceProcess;
  databaseName: string;
  queuePrefix: string;
  /** Kills whatever the test file started, drops the database and the queue keys. */
  stop(): Promise<void>;
}

/**
 * Starts `entry` (the launcher by default: API + worker) and waits until the API is ready and,
 * for the launcher, the worker has started.
 */
export async function startService(
  label: string,
  options: Omit<ServiceEnv, 'databaseName' | 'queuePrefix' | 'port'> = {},
  entry: Extract<EntryPoint, 'launcher' | 'api'> = 'launcher',
): Promise<RunningService> {
  requireBuiltService();
  const databaseName = processTestDatabaseName(label);
  const queuePrefix = uniqueQueuePrefix(label);
  const stop = async () => {
    await killStartedProcesses();
    await cleanUp(databaseName, queuePrefix);
  };
  let started: { port: number; child: ServiceProcess };
  try {
    started = await startOnFreePort((port) => new ServiceProcess(entry, entry, serviceEnv({ ...options, databaseName, queuePrefix, port })));
    if (entry === 'launcher') await started.child.waitForOutput(/Worker started/);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: started.port, child: started.child, databaseName, queuePrefix, stop };
}
