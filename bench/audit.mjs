#!/usr/bin/env node
// The audit tools at a million events. Works on its own database (seeded here first with
// bench/seed.mjs when it holds fewer than --min-rows audit rows) and starts the built service
// (API + worker) for the HTTP scenarios.
//
//   page    GET /api/v4/audit_events as an admin, a mix of filters an auditor uses (an event name,
//           one user's entity, root's rows in a time window, the keyset first page and deep keyset
//           pages found by walking the log), at each of --connections for --duration seconds;
//           p50/p95/p99 per filter and overall.
//   export  GET /api/v4/audit_events/export of the whole log, --export-runs times by the same API
//           process: rows/s from the first byte to the last, the CSV's records counted (against the
//           table), and the API's resident memory sampled every 100 ms.
//   verify  `npm run audit:verify` over the whole log, --verify-runs times: wall time, exit
//           status, the first lines it prints. Runs with the service stopped.
//
// Every figure is printed with the load average at the time, since the machine may be shared.
//
// Usage: node bench/audit.mjs [page|export|verify|all] [--database-url URL] [--port N] [--duration S]
//        [--connections 1,4,8] [--walk-pages N] [--verify-runs N] [--export-runs N] [--min-rows N] [--settle S]
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEFAULT_ROOT_TOKEN, REPO, assertLocal, databaseName, fail, fmt, parseArgs, percentile, procStats, sleep, startLauncher, waitReady } from './common.mjs';

const SCENARIOS = ['page', 'export', 'verify', 'all'];
const USAGE = `Usage: node bench/audit.mjs [${SCENARIOS.join('|')}] [options]

  --database-url URL   benchmark database (default postgres://postgres@127.0.0.1:5432/gitlab_users_bench_audit)
  --port N             the service's port (default 3372)
  --duration S         seconds of load per connection count (default 15)
  --connections LIST   connection counts for "page", comma-separated (default 1,4,8)
  --walk-pages N       keyset pages of 100 walked to find deep cursors (default 10000: the whole log at 1M rows)
  --verify-runs N      runs of npm run audit:verify (default 2)
  --export-runs N      exports, one after the other, by the same API process (default 2: a leak grows again, a heap that sized itself does not)
  --min-rows N         seed with bench/seed.mjs until the log has this many audit rows (default 1000000)
  --settle S           wait at most this long for the worker's first passes over the log to end (default 3600)

Needs \`npm run build\`, PostgreSQL and Redis. No worker may run on the database while it is seeded.`;
const scenario = SCENARIOS.includes(process.argv[2]) ? process.argv[2] : 'all';
const opts = parseArgs(
  process.argv.slice(scenario === process.argv[2] ? 3 : 2),
  {
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/gitlab_users_bench_audit',
    port: 3372,
    duration: 15,
    connections: '1,4,8',
    walkPages: 10_000,
    verifyRuns: 2,
    exportRuns: 2,
    minRows: 1_000_000,
    settle: 3600,
  },
  USAGE,
);
const databaseUrl = opts.databaseUrl;
assertLocal(databaseUrl, '--database-url');
const connectionCounts = opts.connections.split(',').map(Number);
if (connectionCounts.some((n) => !Number.isInteger(n) || n <= 0)) fail(`--connections must be positive integers, got "${opts.connections}"`);
const API = `http://127.0.0.1:${opts.port}`;
const root = { 'PRIVATE-TOKEN': DEFAULT_ROOT_TOKEN };
const runs = (name) => scenario === name || scenario === 'all';

const load = () => `load ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`;
const stamp = () => new Date().toISOString().slice(11, 19);
const ms = (n) => fmt(n, 1);

// ---------------------------------------------------------------------------------------------
// The database: seeded to --min-rows, and quiet before anything is measured

async function auditRows(db) {
  const [row] = (await db.query("SELECT to_regclass('activity.audit_events') IS NOT NULL AS ready")).rows;
  if (!row.ready) return { rows: 0, users: 0 };
  const [counts] = (await db.query('SELECT (SELECT count(*) FROM activity.audit_events)::int AS rows, (SELECT count(*) FROM identity.users)::int AS users')).rows;
  return counts;
}

async function ensureSeeded() {
  const db = new pg.Client({ connectionString: databaseUrl.replace(/\/[^/]*$/, '/postgres') });
  await db.connect();
  const exists = (await db.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName(databaseUrl)])).rowCount > 0;
  await db.end();
  let have = { rows: 0, users: 0 };
  if (exists) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    have = await auditRows(client);
    await client.end();
  }
  if (have.rows >= opts.minRows) return;
  // A seeded user leaves one audit row; root's bootstrap leaves a few more.
  const users = opts.minRows - have.rows;
  console.log(`${stamp()} seeding ${fmt(users)} users (${fmt(have.rows)} audit rows there now): node bench/seed.mjs --users ${users} --database-url ${databaseUrl}`);
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(REPO, 'bench/seed.mjs'), '--users', String(users), '--database-url', databaseUrl], { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) fail(`bench/seed.mjs exited with ${code}`);
  console.log(`${stamp()} seed done in ${fmt((performance.now() - started) / 1000, 1)} s (${load()})`);
}

/**
 * Waits until no other session runs a statement on this database for 3 s in a row (a worker's
 * first passes over the log, a scheduled chain verification), at most --settle seconds, so that
 * the figures measure the requests and not a scan beside them.
 */
async function databaseQuiet(db) {
  let quiet = 0;
  for (let i = 0; i < opts.settle && quiet < 3; i++) {
    const [row] = (
      await db.query(
        `SELECT count(*)::int AS busy, string_agg(DISTINCT application_name, ', ') AS apps FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND backend_type = 'client backend'`,
      )
    ).rows;
    quiet = row.busy === 0 ? quiet + 1 : 0;
    if (row.busy && i % 30 === 0) {
      const consumers = (await db.query("SELECT subscription_id, last_global_position FROM es_subscriptions WHERE subscription_id <> 'relay' ORDER BY 1")).rows;
      console.log(
        `${stamp()} waiting for the database to go quiet (${row.busy} active: ${row.apps}; consumer checkpoints: ` +
          `${consumers.map((c) => `${c.subscription_id} at ${fmt(c.last_global_position)}`).join(', ') || 'none'})`,
      );
    }
    await sleep(1000);
  }
  if (quiet < 3) console.log(`${stamp()} WARNING: the database was still busy after ${opts.settle} s; the figures below were measured beside it`);
}

/**
 * The PostgreSQL these benchmarks run on has autovacuum off, so a bulk-loaded table has an empty
 * visibility map and the capped counts cannot be index-only scans (they were seq scans of up to
 * 220 ms). A service's own table would have been vacuumed long before it held a million rows.
 */
async function vacuumAuditRows(db) {
  const started = performance.now();
  await db.query('VACUUM (ANALYZE) activity.audit_events');
  console.log(`${stamp()} VACUUM (ANALYZE) activity.audit_events: ${fmt((performance.now() - started) / 1000, 1)} s`);
}

// ---------------------------------------------------------------------------------------------
// The service's processes

/** The launcher's children, by entry point: their RSS is what the export is judged by. */
function childPids(pid) {
  const pids = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      pids.push(...readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {}
  }
  return pids.map((child) => ({ pid: child, cmd: readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' ') }));
}

function servicePid(launcher, entry) {
  const found = childPids(launcher.child.pid).find((child) => child.cmd.includes(entry));
  if (!found) fail(`could not find the service process running ${entry}`);
  return found.pid;
}

// ---------------------------------------------------------------------------------------------
// page

/** Runs `connections` loops for `seconds`; each request is `pick()`ed from the mix and timed under its label. */
async function timedMix(seconds, connections, pick) {
  const byLabel = new Map();
  let errors = 0;
  const firstError = [];
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until) {
        const { label, url } = pick();
        const started = performance.now();
        const res = await fetch(`${API}${url}`, { headers: root });
        await res.arrayBuffer();
        const elapsed = performance.now() - started;
        if (!byLabel.has(label)) byLabel.set(label, []);
        byLabel.get(label).push(elapsed);
        if (res.status !== 200) {
          errors += 1;
          if (firstError.length === 0) firstError.push(`${res.status} ${url}`);
        }
      }
    }),
  );
  for (const latencies of byLabel.values()) latencies.sort((a, b) => a - b);
  return { byLabel, errors, firstError: firstError[0] };
}

const line = (latencies, seconds) =>
  `${fmt(latencies.length)} req (${fmt(latencies.length / seconds)}/s)  p50 ${ms(percentile(latencies, 50))}  p95 ${ms(percentile(latencies, 95))}  p99 ${ms(percentile(latencies, 99))} ms`;

/** Follows `rel="next"` from the keyset first page, 100 rows a page; keeps a cursor every `every` pages. */
async function walkKeyset(maxPages, every) {
  const cursors = [];
  let url = `${API}/api/v4/audit_events?pagination=keyset&per_page=100`;
  let pages = 0;
  let rows = 0;
  const latencies = [];
  const started = performance.now();
  while (url && pages < maxPages) {
    const t = performance.now();
    const res = await fetch(url, { headers: root });
    const body = await res.json();
    latencies.push(performance.now() - t);
    if (res.status !== 200) fail(`keyset walk: ${res.status} at page ${pages + 1}: ${JSON.stringify(body)}`);
    pages += 1;
    rows += body.length;
    const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? null;
    if (next && pages % every === 0) cursors.push({ depth: rows, cursor: new URL(next).searchParams.get('cursor') });
    url = next;
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(
    `${stamp()} keyset walk: ${fmt(pages)} pages of 100, ${fmt(rows)} rows in ${fmt(seconds, 1)} s (${fmt(rows / seconds)} rows/s; a page p50 ${ms(percentile(latencies, 50))}, ` +
      `p95 ${ms(percentile(latencies, 95))}, p99 ${ms(percentile(latencies, 99))} ms)${url ? '' : ', reached the end'}; ${cursors.length} deep cursors kept (${load()})`,
  );
  return cursors;
}

async function pageScenario(db) {
  const [users] = (await db.query("SELECT min(id)::int AS lo, max(id)::int AS hi FROM identity.users WHERE username LIKE 'bench-%'")).rows;
  const [span] = (await db.query('SELECT min(created_at) AS lo, max(created_at) AS hi FROM activity.audit_events WHERE author_id = 1')).rows;
  const names = (await db.query('SELECT event_name, count(*)::int AS n FROM activity.audit_events GROUP BY 1 ORDER BY 2 DESC')).rows;
  const common = names[0].event_name;
  const rare = names[names.length - 1].event_name;
  console.log(
    `page: seeded users ${fmt(users.lo)}…${fmt(users.hi)}; root's rows from ${span.lo.toISOString()} to ${span.hi.toISOString()}; ` +
      `event names ${names.map((n) => `${n.event_name} ×${fmt(n.n)}`).join(', ')}`,
  );
  const cursors = await walkKeyset(opts.walkPages, Math.max(1, Math.floor(opts.walkPages / 200)));
  if (cursors.length === 0) fail('the keyset walk found no next page');
  const lo = span.lo.getTime();
  const width = span.hi.getTime() - lo;
  const randomInt = (a, b) => a + Math.floor(Math.random() * (b - a + 1));
  const window = (seconds) => {
    const from = lo + Math.random() * Math.max(0, width - seconds * 1000);
    return `created_after=${new Date(from).toISOString()}&created_before=${new Date(from + seconds * 1000).toISOString()}`;
  };
  const mix = [
    { label: `event_name=${common} (offset, page 1)`, url: () => `/api/v4/audit_events?event_name=${common}` },
    { label: `event_name=${rare} (offset, page 1)`, url: () => `/api/v4/audit_events?event_name=${rare}` },
    { label: 'entity_type=User&entity_id=<random user>', url: () => `/api/v4/audit_events?entity_type=User&entity_id=${randomInt(users.lo, users.hi)}` },
    { label: 'author_id=1, random 1-minute window', url: () => `/api/v4/audit_events?author_id=1&${window(60)}` },
    { label: 'author_id=1, random 10-second window, page 1-5', url: () => `/api/v4/audit_events?author_id=1&${window(10)}&page=${randomInt(1, 5)}` },
    { label: 'keyset first page', url: () => '/api/v4/audit_events?pagination=keyset' },
    { label: `keyset deep page (cursor ${fmt(cursors[0].depth)}…${fmt(cursors[cursors.length - 1].depth)} rows deep)`, url: () => `/api/v4/audit_events?pagination=keyset&cursor=${cursors[randomInt(0, cursors.length - 1)].cursor}` },
  ];
  const pick = () => {
    const entry = mix[randomInt(0, mix.length - 1)];
    return { label: entry.label, url: entry.url() };
  };
  const results = [];
  for (const connections of connectionCounts) {
    await timedMix(2, connections, pick); // warm-up
    const loadBefore = load();
    const { byLabel, errors, firstError } = await timedMix(opts.duration, connections, pick);
    const all = [...byLabel.values()].flat().sort((a, b) => a - b);
    console.log(`${stamp()} page, ${connections} connection(s), ${opts.duration} s, per_page 20 (${loadBefore} before, ${load()} after)${errors ? `; ${errors} errors, first: ${firstError}` : ''}`);
    for (const { label } of mix) console.log(`  ${label.padEnd(72)} ${line(byLabel.get(label) ?? [], opts.duration)}`);
    console.log(`  ${'overall'.padEnd(72)} ${line(all, opts.duration)}`);
    results.push({ connections, p95: percentile(all, 95) });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// export

/** Counts CSV records as they stream by: a newline ends a record unless it lies inside quotes. */
function csvRecordCounter() {
  let quoted = false;
  let records = 0;
  return {
    push(chunk) {
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i];
        if (c === 0x22) quoted = !quoted;
        else if (c === 0x0a && !quoted) records += 1;
      }
    },
    get records() {
      return records;
    },
  };
}

async function exportScenario(db, apiPid, run) {
  const [{ n: expected }] = (await db.query('SELECT count(*)::int AS n FROM activity.audit_events')).rows;
  const samples = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const stats = await procStats(apiPid);
      if (stats) samples.push({ at: performance.now(), rssKb: stats.rssKb });
      await sleep(100);
    }
  })();
  await sleep(500);
  const loadBefore = load();
  const requested = performance.now();
  const res = await fetch(`${API}/api/v4/audit_events/export`, { headers: root });
  if (res.status !== 200) fail(`export answered ${res.status}: ${await res.text()}`);
  const counter = csvRecordCounter();
  let bytes = 0;
  let firstByte = null;
  const progress = [];
  for await (const chunk of res.body) {
    firstByte ??= performance.now();
    bytes += chunk.length;
    counter.push(chunk);
    if (progress.length === 0 || counter.records - progress[progress.length - 1].records >= 100_000) progress.push({ at: performance.now(), records: counter.records });
  }
  const lastByte = performance.now();
  await sleep(500);
  sampling = false;
  await sampler;
  const rows = counter.records - 1; // the header
  const seconds = (lastByte - firstByte) / 1000;
  const during = samples.filter((s) => s.at >= firstByte && s.at <= lastByte).map((s) => s.rssKb);
  const before = samples.filter((s) => s.at < requested).map((s) => s.rssKb);
  const mib = (kb) => fmt(kb / 1024, 1);
  console.log(`${stamp()} export run ${run}: ${fmt(rows)} rows (table: ${fmt(expected)}${rows === expected ? ', equal' : ', DIFFERENT'}), ${fmt(bytes / 1048576, 1)} MiB, first byte after ${ms(firstByte - requested)} ms`);
  console.log(`  ${fmt(rows / seconds)} rows/s, ${fmt(bytes / 1048576 / seconds, 1)} MiB/s first byte to last (${fmt(seconds, 1)} s) (${loadBefore} before, ${load()} after)`);
  console.log(
    `  API RSS ${mib(before[before.length - 1])} MiB before; during ${mib(Math.min(...during))}–${mib(Math.max(...during))} MiB (${during.length} samples at 100 ms); ` +
      `by tenths: ${[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => mib(during[Math.floor((i / 10) * during.length)])).join(' ')} MiB`,
  );
  const rates = progress.slice(1).map((p, i) => (p.records - progress[i].records) / ((p.at - progress[i].at) / 1000));
  console.log(`  rows/s per 100,000: ${rates.map((r) => fmt(r)).join(' ')}`);
  return { rows, expected, rowsPerSecond: rows / seconds };
}

// ---------------------------------------------------------------------------------------------
// verify

async function verifyScenario() {
  for (let run = 1; run <= opts.verifyRuns; run++) {
    const loadBefore = load();
    const started = performance.now();
    const child = spawn('npm', ['run', '-s', 'audit:verify'], { cwd: REPO, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    const seconds = (performance.now() - started) / 1000;
    console.log(`${stamp()} verify run ${run}: ${fmt(seconds, 1)} s wall, exit ${code} (${loadBefore} before, ${load()} after)`);
    for (const text of output.trim().split('\n').slice(0, 4)) console.log(`  | ${text}`);
  }
}

// ---------------------------------------------------------------------------------------------

console.log(`node ${process.version}, ${os.cpus().length} CPUs, database ${databaseName(databaseUrl)}, ${load()}`);
await ensureSeeded();
const db = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-audit' });
await db.connect();
try {
  const { rows } = await auditRows(db);
  const [{ events }] = (await db.query('SELECT count(*)::int AS events FROM es_events')).rows;
  console.log(`${fmt(rows)} audit rows, ${fmt(events)} events`);
  if (runs('page') || runs('export')) {
    await vacuumAuditRows(db);
    const launcher = await startLauncher({ databaseUrl, port: opts.port, rootToken: DEFAULT_ROOT_TOKEN, logFile: '/tmp/bench-audit.log', env: { LOG_LEVEL: 'warn' } });
    try {
      await waitReady(API);
      await databaseQuiet(db);
      const apiPid = servicePid(launcher, 'apps/api/src/main.js');
      if (runs('page')) await pageScenario(db);
      if (runs('export')) {
        await databaseQuiet(db);
        for (let run = 1; run <= opts.exportRuns; run++) await exportScenario(db, apiPid, run);
      }
    } finally {
      await launcher.stop();
    }
  }
  if (runs('verify')) {
    await databaseQuiet(db);
    await verifyScenario();
  }
} finally {
  await db.end();
}
