// Helpers shared by bench/seed.mjs and bench/load.mjs. Plain ESM, no build step.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(REPO, 'dist');
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/gitlab_users_bench';
export const DEFAULT_ROOT_TOKEN = 'glpat-bench-root-token-000';
/** BullMQ key prefix for everything the benchmarks start, so their jobs never mix with a dev or test worker's. */
export const BENCH_QUEUE_PREFIX = 'gitlab-users-bench';
/** Seeded users are recognised by this username prefix (root, user 1, is allowed too). */
export const BENCH_USERNAME_PREFIX = 'bench-';

/**
 * `--name value`, `--name=value` and bare `--flag` (true). `spec` maps each accepted
 * option to its default; unknown options are an error so typos do not go unnoticed.
 */
export function parseArgs(argv, spec, usage) {
  const out = { ...spec };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      console.log(usage);
      process.exit(0);
    }
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!match) fail(`unexpected argument "${arg}"\n\n${usage}`);
    const key = match[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in spec)) fail(`unknown option --${match[1]}\n\n${usage}`);
    if (typeof spec[key] === 'boolean') {
      out[key] = match[2] === undefined ? true : !['false', '0', 'no'].includes(match[2]);
      continue;
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined) fail(`--${match[1]} needs a value`);
    out[key] = typeof spec[key] === 'number' ? Number(value) : value;
    if (typeof spec[key] === 'number' && !Number.isFinite(out[key])) fail(`--${match[1]} must be a number, got "${value}"`);
  }
  return out;
}

export function fail(message) {
  console.error(`error: ${message}`);
  process.exit(2);
}

export function requireDist(relative) {
  const file = path.join(DIST, relative);
  if (!existsSync(file)) fail(`${path.relative(REPO, file)} is missing: run \`npm run build\` first`);
  return file;
}

/** Only local servers: the benchmarks must never be pointed at a shared or remote database by accident. */
export function assertLocal(url, what) {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) fail(`${what} must point at 127.0.0.1, got host "${host}"`);
}

export function databaseName(url) {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

/** Creates the database when it is missing (the app would do the same at boot). */
export async function ensureDatabase(url) {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const name = databaseName(url);
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } finally {
    await client.end();
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `npm start`'s launcher (API + worker) with the benchmark's settings. Its output
 * goes to `logFile` (pino writes one JSON line per request, which must not reach a terminal).
 */
export async function startLauncher({ databaseUrl, port, rootToken, logFile, env = {} }) {
  const entry = requireDist('apps/launcher/src/main.js');
  const { openSync } = await import('node:fs');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [entry], {
    cwd: REPO,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      EXTERNAL_URL: `http://127.0.0.1:${port}`,
      ROOT_PERSONAL_ACCESS_TOKEN: rootToken,
      QUEUE_PREFIX: BENCH_QUEUE_PREFIX,
      ...env,
    },
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    async stop(timeoutMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Pids listening on a local TCP port (from `ss`), so RSS and CPU of a server we did not start can be read. */
export async function pidsListeningOn(port) {
  const { execFileSync } = await import('node:child_process');
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    return [...new Set([...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])))];
  } catch {
    return [];
  }
}

/** Resident memory (kB) and CPU time (clock ticks) of a process, from /proc. */
export async function procStats(pid) {
  const { readFileSync } = await import('node:fs');
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuTicks = Number(fields[11]) + Number(fields[12]); // utime + stime
    return { rssKb, hwmKb, cpuTicks };
  } catch {
    return null;
  }
}

export function fmt(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return '-';
  return Number(n).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * Waits until the service at `api` answers its readiness probe (PostgreSQL and Redis up), or fails
 * after `seconds`, or as soon as `child` (the process started for it, when given) has exited.
 */
export async function waitReady(api, seconds = 100, child = null) {
  for (let i = 0; i < seconds * 4; i++) {
    if (child && child.exitCode !== null) fail('the app exited during start-up; see its log');
    try {
      if ((await fetch(`${api}/-/readiness`)).status === 200) return;
    } catch {}
    await sleep(250);
  }
  fail('the service did not become ready');
}

/** The value at percentile `p` of an ascending array. */
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * A new read_api token for `userId`, created by the admin (as GitLab allows), for scenarios that read
 * as a signed-in non-admin. Throws (so the caller's clean-up still stops what it started) when the API refuses.
 */
export async function createReadToken(api, adminToken, userId, name) {
  const res = await fetch(`${api}/api/v4/users/${userId}/personal_access_tokens`, {
    method: 'POST',
    headers: { 'private-token': adminToken, 'content-type': 'application/json' },
    body: JSON.stringify({ name, scopes: ['read_api'] }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 201 || typeof body.token !== 'string') throw new Error(`creating a token for user ${userId} answered ${res.status}`);
  return body.token;
}
