#!/usr/bin/env node
// Load benchmark: the API against a bare node:http + pg baseline, side by side, with autocannon.
//
//   get      GET /api/v4/users/:id (random seeded ids, admin token) on the API, and GET /users/:id
//            on the baseline, both at --connections (32)
//   list     GET /api/v4/users?per_page=20 on the API (admin token)
//   list-user  the same list as a signed-in non-admin (--user-token, or a read_api token the script
//            creates for a seeded user): UserBasic entities, blocked and banned users filtered out
//   put      PUT /api/v4/users/:id (random name + bio, admin token) at a fixed --put-rate (300/s),
//            plus audit visibility latency: HTTP response → matching audit_events row visible
//   put-max  PUT unthrottled at --connections, to see the write ceiling (not in the default set)
//
// The API on 127.0.0.1:--port is used when it answers; otherwise this script starts the app
// (dist/apps/launcher: API + worker) itself with PORT, DATABASE_URL, ROOT_PERSONAL_ACCESS_TOKEN
// and QUEUE_PREFIX=gitlab-users-bench, and stops it at the end. Every run is bounded in time and
// only ever targets 127.0.0.1. Seed first: node bench/seed.mjs --users 100000
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import {
  BENCH_USERNAME_PREFIX,
  DEFAULT_DATABASE_URL,
  DEFAULT_ROOT_TOKEN,
  REPO,
  assertLocal,
  createReadToken,
  databaseName,
  fail,
  fmt,
  parseArgs,
  pidsListeningOn,
  procStats,
  sleep,
  startLauncher,
} from './common.mjs';

const USAGE = `Usage: node bench/load.mjs [options]

  --database-url URL     benchmark database (default: $DATABASE_URL or ${DEFAULT_DATABASE_URL})
  --port N               API port on 127.0.0.1 (default: $PORT or 3300)
  --baseline-port N      port for the bare baseline server (default 3301)
  --token TOKEN          admin token (default: $ROOT_PERSONAL_ACCESS_TOKEN or ${DEFAULT_ROOT_TOKEN})
  --user-token TOKEN     a non-admin's token for list-user (default: create a read_api token for a seeded user)
  --start-api MODE       auto: use a running API, else start one (default); always; never
  --scenarios LIST       comma-separated: get,list,list-user,put,put-max (default get,list,put)
  --duration S           measured seconds per scenario (default 15)
  --warmup S             unmeasured warm-up seconds before each scenario (default 3)
  --rounds N             repeat get (baseline and API, alternating order) N times; medians are compared (default 1)
  --connections N        connections for get, list and put-max (default 32)
  --put-rate N           target PUT rate, autocannon overallRate (default 300)
  --put-connections N    connections for the rate-limited PUT (default 64)
  --audit-sample F       fraction of PUTs whose audit row is timed (default 0.25)
  --audit-poll-ms N      audit polling interval (default 10)
  --audit-timeout S      how long to wait for outstanding audit rows after the PUT run (default 15)
  --instrument           only when this script starts the app: count SQL statements per request
                         (bench/instrument.mjs preloaded into the app processes)
  --profile LIST         with --instrument implied: CPU-profile the API during these scenarios
  --json FILE            also write every result as JSON

Environment for an API this script starts: LOG_LEVEL, AUTH_CACHE_TTL_MS, REDIS_URL… pass through.`;

const opts = parseArgs(
  process.argv.slice(2),
  {
    databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    port: Number(process.env.PORT) || 3300,
    baselinePort: 3301,
    token: process.env.ROOT_PERSONAL_ACCESS_TOKEN || DEFAULT_ROOT_TOKEN,
    userToken: '',
    startApi: 'auto',
    scenarios: 'get,list,put',
    duration: 15,
    warmup: 3,
    rounds: 1,
    connections: 32,
    putRate: 300,
    putConnections: 64,
    auditSample: 0.25,
    auditPollMs: 10,
    auditTimeout: 15,
    instrument: false,
    profile: '',
    json: '',
  },
  USAGE,
);
assertLocal(opts.databaseUrl, '--database-url');
if (!['auto', 'always', 'never'].includes(opts.startApi)) fail('--start-api must be auto, always or never');
const scenarios = new Set(opts.scenarios.split(',').map((s) => s.trim()).filter(Boolean));
for (const s of scenarios) if (!['get', 'list', 'list-user', 'put', 'put-max'].includes(s)) fail(`unknown scenario "${s}"`);
const profiled = new Set(opts.profile.split(',').map((s) => s.trim()).filter(Boolean));
if (profiled.size) opts.instrument = true;

/** After servers are started a failure must still stop them: throw, main() cleans up. */
const die = (message) => {
  throw new Error(message);
};

const HOST = '127.0.0.1';
const API = `http://${HOST}:${opts.port}`;
const BASELINE = `http://${HOST}:${opts.baselinePort}`;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const authHeaders = { 'private-token': opts.token };

const db = new pg.Pool({ connectionString: opts.databaseUrl, max: 3, application_name: 'bench-load' });
const cleanups = [];
let cleaning = null;
async function cleanup() {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) await fn().catch((error) => console.error('cleanup:', error.message));
    await db.end().catch(() => undefined);
  })();
  return cleaning;
}
process.on('SIGINT', () => cleanup().finally(() => process.exit(130)));
process.on('SIGTERM', () => cleanup().finally(() => process.exit(143)));

// ---------------------------------------------------------------------------------------------
// Servers

async function answers(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return null;
  }
}

async function startBaseline() {
  const child = spawn(process.execPath, [path.join(REPO, 'bench/baseline.mjs'), '--port', String(opts.baselinePort), '--database-url', opts.databaseUrl], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('baseline did not start within 15 s')), 15_000);
    child.stdout.on('data', (chunk) => {
      if (String(chunk).includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`baseline exited (${code}); is port ${opts.baselinePort} free?`)));
  });
  return child.pid;
}

/** Children of a pid, from /proc (to find the worker under a launcher we started). */
function childPids(parent) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

async function ensureApi() {
  const running = (await answers(`${API}/-/liveness`)) === 200;
  if (running && opts.startApi === 'always') die(`something already answers on port ${opts.port}; stop it or use --start-api auto`);
  if (!running && opts.startApi === 'never') die(`the API does not answer on ${API}; start it or use --start-api auto`);
  if (running && opts.instrument) die('--instrument/--profile need an API started by this script (--start-api always, port free)');
  let started = null;
  let instrumentDir = null;
  if (!running) {
    const logFile = path.join(os.tmpdir(), `bench-api-${opts.port}-${process.pid}.log`);
    const env = {};
    if (opts.instrument) {
      instrumentDir = mkdtempSync(path.join(os.tmpdir(), 'bench-instrument-'));
      env.BENCH_INSTRUMENT_DIR = instrumentDir;
      env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(path.join(REPO, 'bench/instrument.mjs')).href}`.trim();
    }
    console.error(`Starting the app (API + worker) on port ${opts.port}; log: ${logFile}`);
    started = await startLauncher({ databaseUrl: opts.databaseUrl, port: opts.port, rootToken: opts.token, logFile, env });
    cleanups.push(async () => {
      const result = await started.stop();
      console.error(`Stopped the app (launcher exit ${result.signal ?? result.code}).`);
    });
    const deadline = Date.now() + 90_000;
    while ((await answers(`${API}/-/readiness`)) !== 200) {
      if (started.child.exitCode !== null) die(`the app exited while starting; see ${logFile}`);
      if (Date.now() > deadline) die(`the app did not become ready within 90 s; see ${logFile}`);
      await sleep(250);
    }
  }
  const [apiPid] = await pidsListeningOn(opts.port);
  const workerPid = started ? childPids(started.child.pid).find((pid) => pid !== apiPid) ?? null : null;
  const me = await fetch(`${API}/api/v4/user`, { headers: authHeaders });
  const body = await me.json().catch(() => ({}));
  if (me.status !== 200 || body.is_admin !== true) {
    die(`GET /api/v4/user with the given token answered ${me.status} (is_admin: ${body.is_admin}); pass an admin token with --token`);
  }
  return { apiPid: apiPid ?? null, workerPid, startedByUs: started !== null, instrumentDir };
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** Samples RSS and CPU of the given processes while a run goes on. */
function startSampler(pids) {
  const entries = Object.entries(pids).filter(([, pid]) => pid);
  const first = {};
  const peak = {};
  const seen = {};
  const t0 = performance.now();
  const tick = async () => {
    for (const [name, pid] of entries) {
      const s = await procStats(pid);
      if (!s) continue;
      first[name] ??= s;
      seen[name] = s;
      peak[name] = Math.max(peak[name] ?? 0, s.rssKb);
    }
  };
  tick();
  const timer = setInterval(tick, 500);
  return async () => {
    clearInterval(timer);
    await tick();
    const seconds = (performance.now() - t0) / 1000;
    const out = {};
    for (const [name] of entries) {
      if (!seen[name]) continue;
      out[name] = {
        rssMb: seen[name].rssKb / 1024,
        peakRssMb: peak[name] / 1024,
        cpuPercent: (100 * (seen[name].cpuTicks - first[name].cpuTicks)) / CLK_TCK / seconds,
      };
    }
    return out;
  };
}

function readInstrument(dir, pid) {
  if (!dir || !pid) return null;
  try {
    return JSON.parse(readFileSync(path.join(dir, `queries-${pid}.json`), 'utf8'));
  } catch {
    return null;
  }
}

/** Average connections checked out of / callers waiting on the process's pg pools between two readings. */
function poolUsage(before, after) {
  if (!before?.pool || !after?.pool) return null;
  const samples = after.pool.samples - before.pool.samples;
  if (samples <= 0) return null;
  return {
    avgBusy: (after.pool.busy - before.pool.busy) / samples,
    avgWaiting: (after.pool.waiting - before.pool.waiting) / samples,
  };
}

/**
 * Samples pg_stat_activity for the app's connections (application_name gitlab-users: API and
 * worker pools) every 100 ms: how many are active and what they wait on.
 */
function startActivitySampler() {
  const waits = new Map();
  let samples = 0;
  let active = 0;
  let stop = false;
  const done = (async () => {
    while (!stop) {
      const { rows } = await db.query(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU/running') AS wait, count(*)::int AS n
           FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'gitlab-users' AND state NOT IN ('idle')
          GROUP BY 1`,
      );
      samples++;
      for (const { wait, n } of rows) {
        waits.set(wait, (waits.get(wait) ?? 0) + n);
        active += n;
      }
      await sleep(100);
    }
  })();
  return async () => {
    stop = true;
    await done;
    const top = [...waits].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([wait, n]) => ({ wait, avg: n / samples }));
    return { samples, avgActive: active / samples, top };
  };
}

function diffCounts(before, after) {
  if (!before || !after) return null;
  const out = {};
  for (const [key, n] of Object.entries(after)) {
    const d = n - (before[key] ?? 0);
    if (d > 0) out[key] = d;
  }
  return out;
}

function cannon(options) {
  return autocannon({ timeout: 30, ...options });
}

let seededIds = null;
/** Table names of the database under test: per-context schemas now, `public` before them (to measure older commits too). */
let usersTable = 'identity.users';
let auditTable = 'activity.audit_events';
async function resolveTables() {
  const { rows } = await db.query(
    `SELECT coalesce(to_regclass('identity.users'), to_regclass('public.users'))::text AS users,
            coalesce(to_regclass('activity.audit_events'), to_regclass('public.audit_events'))::text AS audit`,
  );
  if (!rows[0].users) die(`no users table in ${databaseName(opts.databaseUrl)}: seed it first`);
  usersTable = rows[0].users;
  auditTable = rows[0].audit;
}
const randomId = () => seededIds[Math.floor(Math.random() * seededIds.length)];
const randomText = (prefix) => `${prefix} ${randomBytes(5).toString('hex')}`;

/** Requests built (= sent) by autocannon, so SQL counts can be divided by what the server got. */
let sent = 0;

function getRequest(prefix) {
  return [
    {
      method: 'GET',
      setupRequest(req) {
        sent++;
        req.path = `${prefix}${randomId()}`;
        return req;
      },
    },
  ];
}

function fixedRequest(method, requestPath) {
  return [
    {
      method,
      path: requestPath,
      setupRequest(req) {
        sent++;
        return req;
      },
    },
  ];
}

function putRequests(onWrite) {
  return [
    {
      method: 'PUT',
      setupRequest(req, context) {
        sent++;
        context.id = randomId();
        context.name = randomText('Bench');
        req.path = `/api/v4/users/${context.id}`;
        req.body = JSON.stringify({ name: context.name, bio: randomText('bio') });
        return req;
      },
      onResponse(status, _body, context) {
        if (onWrite && status === 200) onWrite(context.id, context.name, performance.now());
      },
    },
  ];
}

/**
 * Times, for a sample of writes, HTTP response → the `user_name_updated` audit row being
 * visible. One poller asks for every outstanding sample at once each --audit-poll-ms (the
 * entity index serves it), and stamps a row with the time its query returned: an upper bound,
 * within one poll interval plus one query of the true time.
 */
function auditTracker(sinceDate) {
  const pending = new Map();
  const latencies = [];
  let stopAt = null;
  let polls = 0;
  const done = (async () => {
    for (;;) {
      if (pending.size > 0) {
        const ids = [...new Set([...pending.values()].map((p) => p.id))];
        const { rows } = await db.query(
          `SELECT entity_id::int AS id, details->>'to' AS name FROM ${auditTable}
            WHERE entity_type = 'User' AND entity_id = ANY($1::bigint[]) AND event_name = 'user_name_updated' AND created_at >= $2`,
          [ids, sinceDate],
        );
        const seenAt = performance.now();
        polls++;
        for (const row of rows) {
          const key = `${row.id}\u0000${row.name}`;
          const hit = pending.get(key);
          if (hit) {
            latencies.push(seenAt - hit.respondedAt);
            pending.delete(key);
          }
        }
      }
      if (stopAt !== null && (pending.size === 0 || performance.now() > stopAt)) break;
      await sleep(opts.auditPollMs);
    }
  })();
  return {
    record(id, name, respondedAt) {
      if (Math.random() < opts.auditSample) pending.set(`${id}\u0000${name}`, { id, respondedAt });
    },
    async finish() {
      const drainStart = performance.now();
      stopAt = drainStart + opts.auditTimeout * 1000;
      await done;
      return { latencies, missing: pending.size, polls, drainMs: performance.now() - drainStart };
    },
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const results = [];

async function measure({ key, label, target, url, connections, overallRate, requests, headers, env, withAudit = false, token = opts.token }) {
  const common = { url, connections, overallRate, headers: { 'private-token': token, ...headers }, requests };
  if (opts.warmup > 0) await cannon({ ...common, duration: opts.warmup });
  // Requests abandoned in flight at the end of the warm-up still run on the server.
  await sleep(1500);
  const instBefore = {
    api: readInstrument(env.instrumentDir, env.apiPid),
    worker: readInstrument(env.instrumentDir, env.workerPid),
  };
  const profile = profiled.has(key) && target === 'api' && env.apiPid;
  if (profile) writeFileSync(path.join(env.instrumentDir, `profile-${env.apiPid}`), '');
  const load = os.loadavg()[0];
  const audit = withAudit ? auditTracker(new Date(Date.now() - 5000)) : null;
  if (audit) requests = putRequests(audit.record);
  const sampler = startSampler({ api: env.apiPid, worker: env.workerPid, baseline: env.baselinePid });
  const activity = target === 'api' ? startActivitySampler() : null;
  const sentBefore = sent;
  const result = await cannon({ ...common, requests, duration: opts.duration });
  const sentDuring = sent - sentBefore;
  const procs = await sampler();
  const pgActivity = activity ? await activity() : null;
  if (profile) rmSync(path.join(env.instrumentDir, `profile-${env.apiPid}`));
  const auditResult = audit ? await audit.finish() : null;
  await sleep(1500); // let abandoned in-flight requests finish and the instrumented processes flush their counters
  const completed = result.requests.total;
  const ok = result['2xx'];
  const row = {
    key,
    label,
    target,
    connections: result.connections,
    overallRate: overallRate ?? null,
    durationS: result.duration,
    requests: completed,
    sent: sentDuring,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    rps: ok / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    loadavgStart: load,
    loadavgEnd: os.loadavg()[0],
    procs,
    statusCodes: result.statusCodeStats,
  };
  const instAfter = {
    api: readInstrument(env.instrumentDir, env.apiPid),
    worker: readInstrument(env.instrumentDir, env.workerPid),
  };
  const apiQueries = diffCounts(instBefore.api?.counts, instAfter.api?.counts);
  const workerQueries = diffCounts(instBefore.worker?.counts, instAfter.worker?.counts);
  if (apiQueries && target === 'api') row.apiQueries = apiQueries;
  if (workerQueries && target === 'api') row.workerQueries = workerQueries;
  if (target === 'api') row.apiPool = poolUsage(instBefore.api, instAfter.api);
  if (pgActivity) row.pgActivity = pgActivity;
  if (auditResult) {
    const sorted = [...auditResult.latencies].sort((a, b) => a - b);
    row.audit = {
      samples: sorted.length,
      missing: auditResult.missing,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? NaN,
      drainMs: auditResult.drainMs,
      polls: auditResult.polls,
    };
  }
  if (profile && env.instrumentDir) {
    await sleep(1000);
    const files = readdirSync(env.instrumentDir).filter((f) => f.startsWith(`cpu-${env.apiPid}-`)).sort();
    if (files.length) row.cpuProfile = path.join(env.instrumentDir, files.at(-1));
  }
  results.push(row);
  const status = row.non2xx || row.errors ? `  (${row.non2xx} non-2xx: ${JSON.stringify(row.statusCodes)}, ${row.errors} errors)` : '';
  console.error(`  ${label}: ${fmt(row.rps)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms${status}`);
  if (row.audit) {
    console.error(
      `    audit visibility over ${row.audit.samples} samples: p50 ${fmt(row.audit.p50)} ms, p95 ${fmt(row.audit.p95)} ms, ` +
        `p99 ${fmt(row.audit.p99)} ms, max ${fmt(row.audit.max)} ms, ${row.audit.missing} not seen within ${opts.auditTimeout} s`,
    );
  }
  return row;
}

/** --user-token, or a new read_api token of the first seeded user (created by the admin, as GitLab allows). */
async function nonAdminToken() {
  const token =
    opts.userToken ||
    (await (async () => {
      const created = await createReadToken(API, opts.token, seededIds[0], 'bench-load');
      console.error(`Created a read_api token for user ${seededIds[0]} (pass it as --user-token to reuse it): ${created}`);
      return created;
    })());
  const me = await fetch(`${API}/api/v4/user`, { headers: { 'private-token': token } });
  const body = await me.json().catch(() => ({}));
  if (me.status !== 200 || body.is_admin === true) die(`GET /api/v4/user with --user-token answered ${me.status} (is_admin: ${body.is_admin}); pass a non-admin's token`);
  return token;
}

// ---------------------------------------------------------------------------------------------
// Report

function queriesPerRequest(counts, requests) {
  if (!counts || !requests) return null;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return total / requests;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function printReport(env, meta) {
  const cols = ['scenario', 'conns', 'rate cap', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'server RSS MB (peak)', 'server CPU %', 'CPU ms/req', 'worker CPU %', 'SQL/req', 'load avg'];
  const rows = results.map((r) => {
    const server = r.target === 'baseline' ? r.procs.baseline : r.procs.api;
    const sqlPerReq = queriesPerRequest(r.apiQueries, r.sent);
    return [
      r.label,
      String(r.connections),
      r.overallRate ? String(r.overallRate) : '-',
      fmt(r.rps),
      fmt(r.p50),
      fmt(r.p99),
      String(r.non2xx),
      String(r.errors),
      server ? `${fmt(server.rssMb)} (${fmt(server.peakRssMb)})` : '-',
      server ? fmt(server.cpuPercent) : '-',
      server && r.rps ? fmt((server.cpuPercent * 10) / r.rps, 2) : '-',
      r.target === 'api' && r.procs.worker ? fmt(r.procs.worker.cpuPercent) : '-',
      sqlPerReq === null ? '-' : fmt(sqlPerReq, 1),
      `${r.loadavgStart.toFixed(1)}→${r.loadavgEnd.toFixed(1)}`,
    ];
  });
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(`\n${meta}\n`);
  console.log(line(cols));
  console.log(`|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) console.log(line(r));

  const checks = [];
  const api = results.filter((r) => r.key === 'get' && r.target === 'api');
  const base = results.filter((r) => r.key === 'get' && r.target === 'baseline');
  if (api.length && base.length) {
    const rpsRatio = median(api.map((r) => r.rps)) / median(base.map((r) => r.rps));
    const p99Ratio = median(api.map((r) => r.p99)) / median(base.map((r) => r.p99));
    console.log(
      `\nGET /users/:id, API / baseline${api.length > 1 ? ` (medians of ${api.length} rounds)` : ''}: ` +
        `req/s ${(rpsRatio * 100).toFixed(0)}%, p99 ${p99Ratio.toFixed(2)}×`,
    );
    checks.push([`GET /users/:id req/s ≥ 50% of baseline`, rpsRatio >= 0.5, `${(rpsRatio * 100).toFixed(0)}%`]);
    checks.push([`GET /users/:id p99 ≤ 2× baseline p99`, p99Ratio <= 2, `${p99Ratio.toFixed(2)}×`]);
  }
  const put = results.find((r) => r.key === 'put');
  if (put) {
    checks.push([`PUT ≥ ${opts.putRate} writes/s (no errors)`, put.rps >= opts.putRate * 0.98 && !put.non2xx && !put.errors, `${fmt(put.rps)} writes/s, ${put.non2xx} non-2xx`]);
    if (put.audit) {
      checks.push([
        'audit row visible within 1 s, p99',
        put.audit.p99 <= 1000 && put.audit.missing === 0,
        `p50 ${fmt(put.audit.p50)} ms, p95 ${fmt(put.audit.p95)} ms, p99 ${fmt(put.audit.p99)} ms (${put.audit.samples} samples, ${put.audit.missing} missing)`,
      ]);
    }
  }
  if (checks.length) {
    console.log('\nTargets:');
    for (const [name, ok, detail] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
  }
  if (put) console.log('  (PUT rate: autocannon overallRate caps it; ≥ 98% of the cap over the run counts as sustained.)');

  const withActivity = results.filter((x) => x.pgActivity);
  if (withActivity.length) {
    console.log('\nPostgreSQL backends of the app (API + worker pools) during each run, sampled every 100 ms:');
    for (const r of withActivity) {
      const pool = r.apiPool ? `; API pool: ${r.apiPool.avgBusy.toFixed(1)} connections busy, ${r.apiPool.avgWaiting.toFixed(1)} callers waiting on average` : '';
      console.log(
        `  ${r.label}: ${r.pgActivity.avgActive.toFixed(1)} active on average (${r.pgActivity.top.map((t) => `${t.wait} ${t.avg.toFixed(1)}`).join(', ')})${pool}`,
      );
    }
  }
  for (const r of results.filter((x) => x.apiQueries)) {
    console.log(`\nSQL statements per request, ${r.label} (API process, instrumented):`);
    for (const [sql, n] of Object.entries(r.apiQueries).sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      console.log(`  ${(n / r.sent).toFixed(2).padStart(6)}  ${sql}`);
    }
    if (r.workerQueries && r.key.startsWith('put')) {
      const total = Object.values(r.workerQueries).reduce((a, b) => a + b, 0);
      console.log(`  worker: ${(total / r.sent).toFixed(2)} statements per write (relay + audit jobs)`);
    }
  }
  for (const r of results.filter((x) => x.cpuProfile)) {
    console.log(`\nCPU profile of the API during ${r.label}: ${r.cpuProfile}`);
    try {
      console.log(execFileSync(process.execPath, [path.join(REPO, 'bench/profile-summary.mjs'), r.cpuProfile, '--top', '15'], { encoding: 'utf8' }));
    } catch (error) {
      console.log(`  (summary failed: ${error.message})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  await resolveTables();
  const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM ${usersTable}`)).rows;
  seededIds = (await db.query(`SELECT id::int AS id FROM ${usersTable} WHERE username LIKE $1`, [`${BENCH_USERNAME_PREFIX}%`])).rows.map((r) => r.id);
  if (seededIds.length === 0) die(`no seeded users in ${databaseName(opts.databaseUrl)}: run node bench/seed.mjs --users 100000 first`);

  const env = await ensureApi();
  const needsBaseline = scenarios.has('get');
  if (needsBaseline) env.baselinePid = await startBaseline();

  // Both sides must serve the same user before anything is measured.
  const probeId = seededIds[0];
  const apiProbe = await fetch(`${API}/api/v4/users/${probeId}`, { headers: authHeaders });
  if (apiProbe.status !== 200) die(`GET /api/v4/users/${probeId} answered ${apiProbe.status}`);
  await apiProbe.arrayBuffer();
  if (needsBaseline) {
    const baseProbe = await fetch(`${BASELINE}/users/${probeId}`);
    if (baseProbe.status !== 200) die(`baseline GET /users/${probeId} answered ${baseProbe.status}`);
    await baseProbe.arrayBuffer();
  }

  const meta =
    `Trial on ${os.cpus().length} CPU(s), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ` +
    `database ${databaseName(opts.databaseUrl)}: ${fmt(n)} users (${fmt(seededIds.length)} seeded); ` +
    `API pid ${env.apiPid ?? '?'}${env.startedByUs ? ' (started by this script)' : ' (already running)'}; ` +
    `${opts.duration} s per scenario after ${opts.warmup} s warm-up; load average at start ${os.loadavg()[0].toFixed(2)}`;
  console.error(meta);

  if (scenarios.has('get')) {
    for (let round = 0; round < opts.rounds; round++) {
      const suffix = opts.rounds > 1 ? ` #${round + 1}` : '';
      const runs = [
        () => measure({ key: 'get', label: `baseline GET /users/:id${suffix}`, target: 'baseline', url: BASELINE, connections: opts.connections, requests: getRequest('/users/'), env }),
        () => measure({ key: 'get', label: `API GET /api/v4/users/:id${suffix}`, target: 'api', url: API, connections: opts.connections, requests: getRequest('/api/v4/users/'), env }),
      ];
      if (round % 2 === 1) runs.reverse();
      for (const run of runs) await run();
    }
  }
  if (scenarios.has('list')) {
    await measure({
      key: 'list',
      label: 'API GET /api/v4/users?per_page=20',
      target: 'api',
      url: API,
      connections: opts.connections,
      requests: fixedRequest('GET', '/api/v4/users?per_page=20'),
      env,
    });
  }
  if (scenarios.has('list-user')) {
    const token = await nonAdminToken();
    await measure({
      key: 'list-user',
      label: 'API GET /api/v4/users?per_page=20 (non-admin)',
      target: 'api',
      url: API,
      connections: opts.connections,
      requests: fixedRequest('GET', '/api/v4/users?per_page=20'),
      env,
      token,
    });
  }
  const jsonHeaders = { 'content-type': 'application/json' };
  if (scenarios.has('put')) {
    await measure({
      key: 'put',
      label: `API PUT /api/v4/users/:id @${opts.putRate}/s`,
      target: 'api',
      url: API,
      connections: Math.min(opts.putConnections, opts.putRate),
      overallRate: opts.putRate,
      requests: putRequests(null),
      headers: jsonHeaders,
      env,
      withAudit: true,
    });
  }
  if (scenarios.has('put-max')) {
    await measure({ key: 'put-max', label: 'API PUT /api/v4/users/:id unthrottled', target: 'api', url: API, connections: opts.connections, requests: putRequests(null), headers: jsonHeaders, env });
  }

  printReport(env, meta);
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ meta, options: opts, results }, null, 2));
}

main()
  .catch((error) => {
    console.error('Load benchmark failed:', error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
