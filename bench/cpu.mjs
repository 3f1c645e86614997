#!/usr/bin/env node
// CPU per request of the API against a bare baseline (bench/baseline.mjs: node:http + pg running the
// API's own SQL for the same rows), the two measured alternately in one run so that both see the same
// machine. Each server process reports its own process.cpuUsage() and the SQL statements it sent
// (bench/cpu-probe.mjs, preloaded, read over IPC), so CPU per request is that process's CPU over the
// measured window divided by the requests it handled in that window. Writes have no bare baseline: for them the
// table gives the API's CPU per write and the database round trips per command. Load comes from
// autocannon in this process; the worker runs beside the API (events relayed, audit written) but
// only the API process is measured.
import { fork, spawn } from 'node:child_process';
import { openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { BENCH_QUEUE_PREFIX, BENCH_USERNAME_PREFIX, DEFAULT_DATABASE_URL, DEFAULT_ROOT_TOKEN, REPO, assertLocal, fail, fmt, parseArgs, requireDist, sleep } from './common.mjs';
import { markdown, summary } from './cpu-report.mjs';
import { attributeUsers, freshUsers, heavyUsers, moderationUsers, streamLengths } from './cpu-users.mjs';

const READS = ['get', 'me', 'list', 'activity'];
const WRITES = ['put-fresh', 'put-200', 'attr', 'moderate'];
const HEAVY_EVENTS = 200;
const USAGE = `Usage: node bench/cpu.mjs [options]

  --scenarios LIST       comma-separated, from ${[...READS, ...WRITES].join(',')} (default: all)
  --duration S           measured seconds per server per round (default 5)
  --warmup S             unmeasured seconds before each measurement (default 1)
  --rounds N             rounds; a read scenario runs baseline, API, baseline, API… (default 2)
  --connections N        connections for reads (default 32)
  --write-connections N  connections for writes (default 16)
  --fresh-users N        untouched users per round of put-fresh (default 3000)
  --heavy-users N        users with ${HEAVY_EVENTS}+ events for put-200 (default 32)
  --attribute-users N    users for attr (default 2000)
  --moderation-users N   users for moderate (default 2000)
  --database-url URL     default: $DATABASE_URL or ${DEFAULT_DATABASE_URL}
  --port N               API port (default 3350); the baseline uses port + 1
  --sql                  also print the SQL statements each server sent per request
  --json                 print the results as JSON on stdout instead of the table

Scenarios (all as root, whose token the API caches):
  get        GET /api/v4/users/:id          baseline: GET /users/:id, the API's user SELECT, same row
  me         GET /api/v4/user               baseline: the same SELECT for root's row
  list       GET /api/v4/users?per_page=20  baseline: the API's statements for an admin's first page
  put-fresh  PUT /api/v4/users/:id {bio}    on users whose stream holds one event (spread over
                                            --fresh-users per round, created through the API if short)
  put-200    the same PUT on users whose stream holds ${HEAVY_EVENTS} or more events (brought there with
             bio updates through the API the first time; later runs reuse them, so they grow)
  attr       PUT /api/v4/users/:id/custom_attributes/:key, one event on a short stream
  activity   GET /api/v4/users/:id on the API as it runs, against a second API process whose
             per-request activity touch is replaced by nothing (BENCH_ACTIVITY_TOUCH=off in
             bench/cpu-probe.mjs), alternately: what the touch costs
  moderate   POST /api/v4/users/:id/block, then unblock, … spread over --moderation-users users,
             each request a transition (one event on the user's moderation stream)

Needs \`npm run build\`, PostgreSQL and Redis; the API creates and migrates the database on first
start. Seed users first (node bench/seed.mjs --users 20000): creating them through the API is slower.
Progress goes to stderr, the results to stdout.`;

const opts = parseArgs(
  process.argv.slice(2),
  {
    scenarios: [...READS, ...WRITES].join(','),
    duration: 5,
    warmup: 1,
    rounds: 2,
    connections: 32,
    writeConnections: 16,
    freshUsers: 3000,
    heavyUsers: 32,
    attributeUsers: 2000,
    moderationUsers: 2000,
    databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    port: 3350,
    sql: false,
    json: false,
  },
  USAGE,
);
assertLocal(opts.databaseUrl, '--database-url');
const scenarios = opts.scenarios.split(',');
for (const s of scenarios) if (![...READS, ...WRITES].includes(s)) fail(`unknown scenario "${s}"`);
if (!(opts.duration > 0 && opts.rounds >= 1 && opts.warmup >= 0)) fail('--duration and --rounds must be positive, --warmup not negative');

const TOKEN = process.env.ROOT_PERSONAL_ACCESS_TOKEN || DEFAULT_ROOT_TOKEN;
const API = `http://127.0.0.1:${opts.port}`;
const BASELINE = `http://127.0.0.1:${opts.port + 1}`;
const UNTRACKED = `http://127.0.0.1:${opts.port + 2}`;
const PROBE = ['--import', path.join(REPO, 'bench/cpu-probe.mjs')];
const RUN = Date.now().toString(36);
const headers = { 'private-token': TOKEN };
const jsonHeaders = { ...headers, 'content-type': 'application/json' };

// --- child processes -------------------------------------------------------------------------

const children = new Set();
const logs = [];
let stopping = false;

function track(child, name, log) {
  children.add(child);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`error: the ${name} exited (${signal ?? `code ${code}`}); its output is in ${log}`);
      void shutdown(1);
    }
  });
  return child;
}

function stopChildren() {
  stopping = true;
  return Promise.all(
    [...children].map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
}

/** Stops the servers; their logs (one line per request) are kept only when something went wrong. */
async function shutdown(code) {
  await stopChildren();
  if (code === 0) for (const log of logs) rmSync(log, { force: true });
  else if (logs.length) console.error(`server logs: ${logs.join(' ')}`);
  process.exit(code);
}
process.once('SIGINT', () => void shutdown(130));
process.once('SIGTERM', () => void shutdown(143));
// Whatever else ends this process must not leave a server behind.
process.on('exit', () => {
  for (const child of children) child.kill('SIGTERM');
});

function logFile(name) {
  const log = path.join(os.tmpdir(), `bench-cpu-${name}-${process.pid}.log`);
  logs.push(log);
  return log;
}

function serverEnv() {
  return { ...process.env, DATABASE_URL: opts.databaseUrl, PORT: String(opts.port), EXTERNAL_URL: API, ROOT_PERSONAL_ACCESS_TOKEN: TOKEN, QUEUE_PREFIX: BENCH_QUEUE_PREFIX };
}

/** A server forked with the probe preloaded: its IPC channel answers CPU and statement counts. */
function forkProbed(name, entry, args, env) {
  const log = logFile(name);
  const out = openSync(log, 'a');
  return track(fork(entry, args, { cwd: REPO, env, execArgv: PROBE, stdio: ['ignore', out, out, 'ipc'] }), name, log);
}

function readProbe(child) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a server did not answer the CPU probe')), 5_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve({ ...message, cpuMs: (message.cpu.user + message.cpu.system) / 1000 });
    });
    child.send({ probe: 'read' });
  });
}

/**
 * The probe once the requests cut off when the load stopped have had time to run out and every
 * request the server started has closed: a window then holds the CPU and SQL of whole requests.
 */
async function quietProbe(child) {
  await sleep(250);
  for (let i = 0; i < 150; i++) {
    const probe = await readProbe(child);
    if (probe.started === probe.closed) return probe;
    await sleep(20);
  }
  throw new Error('a server still had requests open 3 s after the load stopped');
}

const answers = (url) => fetch(url, { headers }).then((res) => res.status < 500, () => false);

async function waitFor(url) {
  for (let i = 0; i < 600; i++) {
    if (await answers(url)) return;
    await sleep(100);
  }
  throw new Error(`${url} did not answer within 60 s`);
}

// --- measurement -----------------------------------------------------------------------------

function delta(after, before) {
  const out = {};
  for (const [text, n] of Object.entries(after)) if (n > (before[text] ?? 0)) out[text] = n - (before[text] ?? 0);
  return out;
}

/** Warms up, then runs autocannon against one server, reading that server's probe around the measured window. */
async function measure(child, { url, connections, requests, scenario, server, serverLabel }) {
  const warm = opts.warmup > 0 ? await autocannon({ url, connections, duration: opts.warmup, requests: requests() }) : null;
  const before = await quietProbe(child);
  const result = await autocannon({ url, connections, duration: opts.duration, requests: requests() });
  const after = await quietProbe(child);
  // Counted by the server: the requests it handled in the window, the last few cut off by the load's stop included.
  const served = after.started - before.started;
  const ok = served - result.non2xx;
  const row = {
    scenario,
    server,
    serverLabel,
    requests: result.requests.total,
    served,
    ok,
    warmupRequests: warm?.requests.total ?? 0,
    reqPerSec: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors,
    cpuMsPerRequest: (after.cpuMs - before.cpuMs) / Math.max(served, 1),
    roundTripsPerRequest: (after.statements - before.statements) / Math.max(ok, 1),
    byText: delta(after.byText, before.byText),
    loadAverage: os.loadavg(),
  };
  console.error(
    `  ${scenario}, ${serverLabel ?? server}: ${fmt(row.reqPerSec)} req/s, ${fmt(row.cpuMsPerRequest, 3)} ms CPU/req, p50 ${row.p50} ms, p99 ${row.p99} ms, ` +
      `${fmt(row.roundTripsPerRequest, 2)} round trips/req${row.failed ? `, ${row.failed} failed` : ''}`,
  );
  return row;
}

const get = (route) => () => [{ method: 'GET', path: route, headers }];

/** PUTs spread round-robin over `ids`, each with a body no earlier request sent; `n` carries over from warm-up to measurement. */
function putEach(ids, route, body) {
  let n = 0;
  return () => [
    {
      method: 'PUT',
      headers: jsonHeaders,
      setupRequest(req) {
        n += 1;
        req.path = route(ids[n % ids.length]);
        req.body = JSON.stringify(body(`${RUN}-${n}`));
        return req;
      },
    },
  ];
}

/** Block, then unblock, … round-robin over `users`: each request a transition of a user no other connection is on. */
function toggleEach(users) {
  let n = 0;
  return () => [
    {
      method: 'POST',
      headers,
      setupRequest(req) {
        const user = users[n % users.length];
        n += 1;
        req.path = `/api/v4/users/${user.id}/${user.blocked ? 'unblock' : 'block'}`;
        user.blocked = !user.blocked;
        return req;
      },
    },
  ];
}

// --- the run ---------------------------------------------------------------------------------

async function startServers() {
  const apiEntry = requireDist('apps/api/src/main.js');
  const workerEntry = requireDist('apps/worker/src/main.js');
  requireDist('libs/identity/src/infrastructure/user-row.js');
  for (const url of [API, BASELINE, UNTRACKED]) if (await answers(url)) fail(`something already answers on ${url}: pick another --port`);
  const api = forkProbed('api', apiEntry, [], serverEnv());
  const workerLog = logFile('worker');
  const workerOut = openSync(workerLog, 'a');
  track(spawn(process.execPath, [workerEntry], { cwd: REPO, env: serverEnv(), stdio: ['ignore', workerOut, workerOut] }), 'worker', workerLog);
  await waitFor(`${API}/api/v4/users/1`);
  const baseline = forkProbed('baseline', path.join(REPO, 'bench/baseline.mjs'), ['--port', String(opts.port + 1), '--database-url', opts.databaseUrl], process.env);
  await waitFor(`${BASELINE}/users/1`);
  let untracked = null;
  if (scenarios.includes('activity')) {
    untracked = forkProbed('api-untracked', apiEntry, [], { ...serverEnv(), PORT: String(opts.port + 2), BENCH_ACTIVITY_TOUCH: 'off' });
    await waitFor(`${UNTRACKED}/api/v4/users/1`);
  }
  return { api, baseline, untracked };
}

async function runReads(servers, readId) {
  const reads = {
    get: { label: 'GET /api/v4/users/:id', api: get(`/api/v4/users/${readId}`), baseline: get(`/users/${readId}`) },
    me: { label: 'GET /api/v4/user', api: get('/api/v4/user'), baseline: get('/users/1') },
    list: { label: 'GET /api/v4/users?per_page=20', api: get('/api/v4/users?per_page=20'), baseline: get('/users?per_page=20') },
    // The reference here is the same API without the activity touch (its own process), not the bare server.
    activity: {
      label: 'GET /api/v4/users/:id, activity touch on vs off',
      api: get(`/api/v4/users/${readId}`),
      baseline: get(`/api/v4/users/${readId}`),
      reference: { child: servers.untracked, url: UNTRACKED, label: 'API, touch off' },
      subject: 'API, touch on',
    },
  };
  const rows = [];
  for (const key of READS.filter((s) => scenarios.includes(s))) {
    const s = reads[key];
    for (let round = 0; round < opts.rounds; round++) {
      for (const server of ['baseline', 'api']) {
        const target = server === 'api' ? { child: servers.api, url: API, label: s.subject } : (s.reference ?? { child: servers.baseline, url: BASELINE });
        rows.push(await measure(target.child, { url: target.url, connections: opts.connections, requests: s[server], scenario: s.label, server, serverLabel: target.label }));
      }
    }
  }
  return rows;
}

async function runWrites(api, db) {
  const rows = [];
  const notes = {};
  const userStream = (id) => `identity.user-${id}`;
  const attrStream = (id) => `identity.custom-attributes-${id}`;
  const bio = (value) => ({ bio: `bio ${value}` });
  const fresh = { label: 'PUT /api/v4/users/:id, 1-event streams', ids: [] };
  const heavy = { label: `PUT /api/v4/users/:id, ${HEAVY_EVENTS}+-event streams`, ids: [] };
  const attr = { label: 'PUT /api/v4/users/:id/custom_attributes/:key', ids: [] };
  const moderate = { label: 'POST /api/v4/users/:id/block and /unblock, alternately', ids: [] };
  if (scenarios.includes('put-200')) {
    heavy.ids = await heavyUsers(db, API, jsonHeaders, opts.heavyUsers, HEAVY_EVENTS);
    heavy.before = await streamLengths(db, heavy.ids, userStream);
    heavy.requests = putEach(heavy.ids, (id) => `/api/v4/users/${id}`, bio);
  }
  if (scenarios.includes('put-fresh')) fresh.ids = await freshUsers(db, API, jsonHeaders, opts.freshUsers * opts.rounds, heavy.ids);
  if (scenarios.includes('attr')) {
    attr.ids = await attributeUsers(db, opts.attributeUsers);
    attr.before = await streamLengths(db, attr.ids, attrStream);
    attr.requests = putEach(attr.ids, (id) => `/api/v4/users/${id}/custom_attributes/bench_cpu`, (value) => ({ value }));
  }
  if (scenarios.includes('moderate')) {
    const users = await moderationUsers(db, opts.moderationUsers);
    moderate.ids = users.map((user) => user.id);
    moderate.before = await streamLengths(db, moderate.ids, (id) => `moderation.user-${id}`);
    moderate.requests = toggleEach(users);
  }
  const write = (s, requests) => measure(api, { url: API, connections: opts.writeConnections, requests, scenario: s.label, server: 'api' });
  let mostFreshWrites = 0;
  for (let round = 0; round < opts.rounds; round++) {
    if (scenarios.includes('put-fresh')) {
      // Each round has users of its own, none written to before it.
      const slice = fresh.ids.slice(round * opts.freshUsers, (round + 1) * opts.freshUsers);
      const row = await write(fresh, putEach(slice, (id) => `/api/v4/users/${id}`, bio));
      mostFreshWrites = Math.max(mostFreshWrites, Math.ceil((row.warmupRequests + row.requests) / slice.length));
      rows.push(row);
    }
    if (scenarios.includes('put-200')) rows.push(await write(heavy, heavy.requests));
    if (scenarios.includes('attr')) rows.push(await write(attr, attr.requests));
    if (scenarios.includes('moderate')) rows.push(await write(moderate, moderate.requests));
  }
  if (scenarios.includes('put-fresh')) {
    notes[fresh.label] =
      `${fmt(opts.freshUsers)} users per round, each stream holding 1 event before the round; ` +
      (mostFreshWrites > 1 ? `up to ${mostFreshWrites} writes per user in a round (warm-up included), so later writes met streams of up to ${mostFreshWrites} events` : 'at most one write per user');
  }
  if (scenarios.includes('put-200')) {
    const after = await streamLengths(db, heavy.ids, userStream);
    notes[heavy.label] = `${heavy.ids.length} users (${fmt(heavy.ids.length / opts.writeConnections, 1)} per connection); streams of ${heavy.before.min}-${heavy.before.max} events at the start, ${after.min}-${after.max} at the end`;
  }
  if (scenarios.includes('attr')) {
    const after = await streamLengths(db, attr.ids, attrStream);
    notes[attr.label] = `${attr.ids.length} users, one key, a new value each request; custom-attributes streams of ${attr.before.min}-${attr.before.max} events at the start, ${after.min}-${after.max} at the end`;
  }
  if (scenarios.includes('moderate')) {
    const after = await streamLengths(db, moderate.ids, (id) => `moderation.user-${id}`);
    notes[moderate.label] = `${moderate.ids.length} users, each request the opposite of the user's last (block an active user, unblock a blocked one); moderation streams of ${moderate.before.min}-${moderate.before.max} events at the start, ${after.min}-${after.max} at the end`;
  }
  return { rows, notes };
}

async function main() {
  const loadAverageStart = os.loadavg();
  console.error(`node ${process.version}, ${os.cpus().length} CPUs, load average ${loadAverageStart.map((l) => l.toFixed(2)).join(' ')}`);
  const servers = await startServers();
  const db = new pg.Pool({ connectionString: opts.databaseUrl, max: 2, application_name: 'bench-cpu' });
  try {
    const { rows: first } = await db.query('SELECT min(id) AS id FROM identity.users WHERE username LIKE $1', [`${BENCH_USERNAME_PREFIX}%`]);
    const readId = Number(first[0].id ?? 1);
    const reads = await runReads(servers, readId);
    const writes = scenarios.some((s) => WRITES.includes(s)) ? await runWrites(servers.api, db) : { rows: [], notes: {} };
    const results = [...reads, ...writes.rows];
    const run = { node: process.version, cpus: os.cpus().length, loadAverageStart, loadAverageEnd: os.loadavg(), options: { ...opts, readUserId: readId } };
    const rows = summary(results, writes.notes);
    if (opts.json) console.log(JSON.stringify({ ...run, summary: rows, results: results.map(({ byText, ...rest }) => rest) }, null, 2));
    else console.log(`\n${markdown(run, rows, opts.sql)}`);
  } finally {
    await db.end();
  }
}

main().then(
  () => shutdown(0),
  (error) => {
    console.error(error);
    return shutdown(1);
  },
);
