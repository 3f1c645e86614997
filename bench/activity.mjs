#!/usr/bin/env node
// The activity context's three targets. Starts the built service (API + worker) on its own database,
// seeded beforehand with `node bench/seed.mjs --users 1000000 --database-url <this database>`.
//
//   activities  GET /api/v4/user/activities (admin) at --connections connections for --duration
//               seconds: the first page and random pages among the first 50, with the default window
//               (six months) over users whose last activity days are spread over the last year (set
//               here in activity.user_activity, as the activity job would have left them).
//   rollup      A month of activity for every user (each active on about a third of the days of
//               --month, written to activity.user_activity_days/_months as the projection would),
//               then the worker's rollup job for that month, queued through BullMQ as the scheduler
//               queues it; the job's own duration (processedOn → finishedOn) and the worker's
//               resident memory sampled every 100 ms before and during the job.
//   ingest      POST /api/v4/admin/activity/batches with batches of --batch contribution events (new
//               ids each time) at --connections connections: items recorded per second.
//
// Usage: node bench/activity.mjs [activities|rollup|ingest|all] [--database-url URL] [--port N]
//        [--duration S] [--connections N] [--month YYYY-MM] [--batch N]
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import pg from 'pg';
import { BENCH_QUEUE_PREFIX, DEFAULT_ROOT_TOKEN, assertLocal, fail, fmt, parseArgs, percentile, procStats, sleep, startLauncher, waitReady } from './common.mjs';

const USAGE = 'Usage: node bench/activity.mjs [activities|rollup|ingest|all] [--database-url URL] [--port N] [--duration S] [--connections N] [--month YYYY-MM] [--batch N]';
const scenario = ['activities', 'rollup', 'ingest', 'all'].includes(process.argv[2]) ? process.argv[2] : 'all';
const opts = parseArgs(
  process.argv.slice(scenario === process.argv[2] ? 3 : 2),
  { databaseUrl: 'postgres://postgres@127.0.0.1:5432/gitlab_users_bench_activity', port: '3371', duration: '20', connections: '8', month: '2026-10', batch: '500' },
  USAGE,
);
const databaseUrl = opts.databaseUrl;
assertLocal(databaseUrl, 'the benchmark database');
const port = Number(opts.port);
const API = `http://127.0.0.1:${port}`;
const root = { 'PRIVATE-TOKEN': DEFAULT_ROOT_TOKEN, 'Content-Type': 'application/json' };

/** Runs `connections` loops of `request()` for `seconds`, timing each; answers sorted latencies (ms) and the errors. */
async function timedLoad(seconds, connections, request) {
  const latencies = [];
  let errors = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until) {
        const started = performance.now();
        const ok = await request();
        latencies.push(performance.now() - started);
        if (!ok) errors += 1;
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), errors };
}

const summary = ({ latencies, errors }, seconds) =>
  `${fmt(latencies.length / seconds)} req/s, p50 ${fmt(percentile(latencies, 50), 1)} ms, p95 ${fmt(percentile(latencies, 95), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms, ${errors} errors`;

/**
 * Last activity days spread evenly over the last 365 days (about half the users are in the default
 * window). Done before the service starts: its worker's first passes over the log hold snapshots
 * that would keep VACUUM from clearing the updated rows, and the index-only scans would then visit the heap.
 */
async function seedActivities(db) {
  const started = Date.now();
  await db.query(`UPDATE activity.user_activity SET last_activity_on = current_date - (user_id % 365)::int
                   WHERE last_activity_on IS DISTINCT FROM current_date - (user_id % 365)::int`);
  await db.query('VACUUM ANALYZE activity.user_activity');
  console.log(`activities: last activity days set in ${fmt((Date.now() - started) / 1000, 1)} s`);
}

async function activitiesScenario(db) {
  const [{ users, inWindow }] = (
    await db.query(`SELECT count(*)::int AS users, count(*) FILTER (WHERE last_activity_on >= current_date - interval '6 months')::int AS "inWindow" FROM activity.user_activity`)
  ).rows;
  console.log(`activities: ${fmt(users)} users, ${fmt(inWindow)} active in the last six months`);
  const seconds = Number(opts.duration);
  const get = (url) => async () => (await fetch(`${API}${url()}`, { headers: root }).then(async (res) => (await res.arrayBuffer(), res.status === 200)));
  for (const [label, url] of [
    ['first page (per_page 20)', () => '/api/v4/user/activities'],
    ['random page 1-50 (per_page 20)', () => `/api/v4/user/activities?page=${1 + Math.floor(Math.random() * 50)}`],
    ['random page 1-50 (per_page 100)', () => `/api/v4/user/activities?per_page=100&page=${1 + Math.floor(Math.random() * 50)}`],
  ]) {
    await timedLoad(2, Number(opts.connections), get(url)); // warm-up
    console.log(`  ${label}: ${summary(await timedLoad(seconds, Number(opts.connections), get(url)), seconds)}`);
  }
}

function workerPid() {
  try {
    const out = execFileSync('pgrep', ['-f', 'apps/worker/src/main.js'], { encoding: 'utf8' });
    return Number(out.trim().split('\n').pop());
  } catch {
    return null;
  }
}

/** Every user active on about a third of the days of --month, as the projection would have recorded them (before the service starts, as above). */
async function seedMonth(db) {
  const month = `${opts.month}-01`;
  const started = Date.now();
  await db.query('DELETE FROM activity.user_activity_days WHERE day >= $1::date AND day < ($1::date + interval \'1 month\')', [month]);
  await db.query('DELETE FROM activity.user_activity_months WHERE month = $1::date', [month]);
  await db.query(
    `INSERT INTO activity.user_activity_days (day, user_id)
     SELECT d::date, u.user_id FROM activity.user_activity u, generate_series($1::date, $1::date + interval '1 month' - interval '1 day', interval '1 day') d
      WHERE (u.user_id * 7 + extract(day FROM d)::int) % 3 = 0`,
    [month],
  );
  await db.query(`INSERT INTO activity.user_activity_months (month, user_id) SELECT DISTINCT $1::date, user_id FROM activity.user_activity_days
                   WHERE day >= $1::date AND day < ($1::date + interval '1 month')`, [month]);
  await db.query('VACUUM ANALYZE activity.user_activity_days, activity.user_activity_months');
  console.log(`rollup: month seeded in ${fmt((Date.now() - started) / 1000, 1)} s`);
}

async function rollupScenario(db) {
  const month = `${opts.month}-01`;
  const [{ days, users }] = (
    await db.query(`SELECT count(*)::int AS days, count(DISTINCT user_id)::int AS users FROM activity.user_activity_days WHERE day >= $1::date AND day < ($1::date + interval '1 month')`, [month])
  ).rows;
  console.log(`rollup: ${fmt(days)} active user-days of ${fmt(users)} users in ${opts.month}`);
  const pid = workerPid();
  if (!pid) fail('could not find the worker process');
  const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
  const queue = new Queue('activity', { connection, prefix: BENCH_QUEUE_PREFIX });
  const before = await procStats(pid);
  const last = new Date(Date.parse(`${month}T00:00:00Z`));
  last.setUTCMonth(last.getUTCMonth() + 1, 0);
  const job = await queue.add('activity.roll-up-active-users', { from: month, to: last.toISOString().slice(0, 10) });
  let peakKb = before.rssKb;
  for (;;) {
    const stats = await procStats(pid);
    if (stats) peakKb = Math.max(peakKb, stats.rssKb);
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') break;
    await sleep(100);
  }
  const done = await queue.getJob(job.id);
  if (!done || done.failedReason) fail(`the rollup job failed: ${done?.failedReason}`);
  const figures = (await db.query(`SELECT period, to_char(period_start, 'YYYY-MM-DD') AS start, active_users FROM activity.active_user_rollups
                                    WHERE period_start >= $1::date AND period_start < ($1::date + interval '1 month') ORDER BY period DESC, period_start`, [month])).rows;
  const monthly = figures.find((row) => row.period === 'month');
  console.log(`  job ${fmt(done.finishedOn - done.processedOn)} ms (queued to finished ${fmt(done.finishedOn - done.timestamp)} ms); ${figures.length - 1} days + 1 month written; MAU ${fmt(monthly?.active_users)}, DAU ${fmt(figures[1]?.active_users)} on ${figures[1]?.start}`);
  console.log(`  worker RSS ${fmt(before.rssKb / 1024, 1)} MiB before, peak ${fmt(peakKb / 1024, 1)} MiB while it ran`);
  await queue.close();
}

async function ingestScenario() {
  const batch = Number(opts.batch);
  const { body: admin } = await fetch(`${API}/api/v4/user`, { headers: root }).then(async (res) => ({ body: await res.json() }));
  const run = Date.now().toString(36);
  let sequence = 0;
  let recorded = 0;
  const send = async () => {
    const items = Array.from({ length: batch }, () => {
      sequence += 1;
      return { id: `${run}-${sequence}`, kind: 'contribution', author_id: admin.id, action: 'pushed', project_id: 1 + (sequence % 500), project_visibility: 'public', created_at: new Date().toISOString(), push_data: { commit_count: 1, action: 'pushed', ref_type: 'branch', ref: 'main', commit_to: 'deadbeef' } };
    });
    const res = await fetch(`${API}/api/v4/admin/activity/batches`, { method: 'POST', headers: root, body: JSON.stringify({ source: `bench-${run}`, items }) });
    const body = await res.json();
    if (res.status === 201) recorded += body.recorded;
    return res.status === 201;
  };
  const seconds = Number(opts.duration);
  const result = await timedLoad(seconds, Number(opts.connections), send);
  console.log(`ingest: batches of ${batch} at ${opts.connections} connections: ${fmt(recorded / seconds)} events/s recorded (${summary(result, seconds)} per batch)`);
}

const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
console.log(`node ${process.version}, ${os.cpus().length} CPUs, database ${path.basename(new URL(databaseUrl).pathname)}`);
if (scenario === 'activities' || scenario === 'all') await seedActivities(db);
if (scenario === 'rollup' || scenario === 'all') await seedMonth(db);
const launcher = await startLauncher({ databaseUrl, port, rootToken: DEFAULT_ROOT_TOKEN, logFile: '/tmp/bench-activity.log', env: { LOG_LEVEL: 'warn' } });
/**
 * Waits until the worker is idle (under 5% of a core for 2 s running), at most two minutes: on a
 * fresh database its first passes over the log (status expiry, audit reconciliation) would
 * otherwise compete with the measurement.
 */
async function workerSettled() {
  const pid = workerPid();
  if (!pid) return;
  let quiet = 0;
  let last = (await procStats(pid))?.cpuTicks ?? 0;
  for (let i = 0; i < 120 && quiet < 2; i++) {
    await sleep(1000);
    const now = (await procStats(pid))?.cpuTicks ?? last;
    quiet = now - last < 5 ? quiet + 1 : 0;
    last = now;
  }
}

try {
  await waitReady(API);
  await workerSettled();
  if (scenario === 'activities' || scenario === 'all') await activitiesScenario(db);
  if (scenario === 'rollup' || scenario === 'all') await rollupScenario(db);
  if (scenario === 'ingest' || scenario === 'all') await ingestScenario();
} finally {
  await launcher.stop();
  await db.end();
}
