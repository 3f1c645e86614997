#!/usr/bin/env node
// CPU per request of the API against a bare baseline (bench/baseline.mjs: node:http + pg running the
// API's own SQL for the same rows), the two measured alternately in one run so that both see the same
// machine. Each server process reports its own process.cpuUsage() and the SQL statements it sent
// (bench/cpu-probe.mjs, preloaded, read over IPC), so CPU per request is that process's CPU over the
// measured window divided by the requests it completed. Writes have no bare baseline: for them the
// table gives the API's CPU per write and the database round trips per command.
//
// Needs `npm run build`, PostgreSQL and Redis; the database is created and migrated by the API on
// first start (seed users with `node bench/seed.mjs --users N` for list and write scenarios).
import { fork, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { BENCH_QUEUE_PREFIX, DEFAULT_DATABASE_URL, DEFAULT_ROOT_TOKEN, REPO, assertLocal, fail, fmt, parseArgs, requireDist, sleep } from './common.mjs';

const SCENARIOS = ['get', 'me', 'list', 'put-fresh', 'put-200', 'attr'];
const USAGE = `Usage: node bench/cpu.mjs [options]

  --scenarios LIST       comma-separated, from ${SCENARIOS.join(',')} (default: all)
  --duration S           measured seconds per server per round (default 5)
  --warmup S             unmeasured seconds before each measurement (default 1)
  --rounds N             baseline/API alternations per read scenario; writes run once per round (default 2)
  --connections N        connections for reads (default 32)
  --write-connections N  connections for writes (default 16)
  --database-url URL     default: $DATABASE_URL or ${DEFAULT_DATABASE_URL}
  --port N               API port (default 3350); the baseline uses port + 1
  --json FILE            also write the results as JSON

Scenarios: get = GET /api/v4/users/:id; me = GET /api/v4/user; list = GET /api/v4/users?per_page=20
(admin, offset page with total); put-fresh = PUT /api/v4/users/:id {bio} on users whose streams hold
one event; put-200 = the same on users with 200 or more events (topped up first); attr = PUT
/api/v4/users/:id/custom_attributes/:key, one event on a small stream. All as root.`;

const opts = parseArgs(
  process.argv.slice(2),
  { scenarios: SCENARIOS.join(','), duration: 5, warmup: 1, rounds: 2, connections: 32, writeConnections: 16, databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL, port: 3350, json: '' },
  USAGE,
);
assertLocal(opts.databaseUrl, '--database-url');
const scenarios = opts.scenarios.split(',');
for (const s of scenarios) if (!SCENARIOS.includes(s)) fail(`unknown scenario "${s}"`);

const TOKEN = process.env.ROOT_PERSONAL_ACCESS_TOKEN || DEFAULT_ROOT_TOKEN;
const API = `http://127.0.0.1:${opts.port}`;
const BASELINE = `http://127.0.0.1:${opts.port + 1}`;
const PROBE = ['--import', path.join(REPO, 'bench/cpu-probe.mjs')];
const children = [];

function serverEnv() {
  return { ...process.env, DATABASE_URL: opts.databaseUrl, PORT: String(opts.port), EXTERNAL_URL: API, ROOT_PERSONAL_ACCESS_TOKEN: TOKEN, QUEUE_PREFIX: BENCH_QUEUE_PREFIX };
}

/** A server forked with the probe: its IPC channel answers CPU and statement counts. */
function forkProbed(entry, args, env, log) {
  const out = openSync(log, 'a');
  const child = fork(entry, args, { cwd: REPO, env, execArgv: PROBE, stdio: ['ignore', out, out, 'ipc'] });
  children.push(child);
  return child;
}

function readProbe(child) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not answer the CPU probe')), 5_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve({ cpuMs: (message.cpu.user + message.cpu.system) / 1000, statements: message.statements });
    });
    child.send({ probe: 'read' });
  });
}

async function waitFor(url, headers = {}) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url, { headers })).status < 500) return;
    } catch {}
    await sleep(100);
  }
  fail(`${url} did not answer`);
}

function stopAll() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});
process.on('exit', stopAll);

const headers = { 'private-token': TOKEN };
const jsonHeaders = { ...headers, 'content-type': 'application/json' };

/** Runs autocannon against one server and reads that server's probe around the measured window. */
async function measure(child, { url, connections, requests, label, server }) {
  if (opts.warmup > 0) await autocannon({ url, connections, duration: opts.warmup, requests: requests() });
  const before = await readProbe(child);
  const result = await autocannon({ url, connections, duration: opts.duration, requests: requests() });
  const after = await readProbe(child);
  const done = result.requests.total;
  const ok = done - result.non2xx - result.errors;
  return {
    scenario: label,
    server,
    requests: done,
    reqPerSec: done / opts.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors,
    cpuMsPerRequest: (after.cpuMs - before.cpuMs) / Math.max(done, 1),
    statementsPerRequest: (after.statements - before.statements) / Math.max(ok, 1),
    loadAverage: os.loadavg()[0],
  };
}

const get = (path, extra = {}) => () => [{ method: 'GET', path, headers, ...extra }];

function putRequests(ids) {
  let n = 0;
  return () => [
    {
      method: 'PUT',
      headers: jsonHeaders,
      setupRequest(req) {
        n += 1;
        req.path = `/api/v4/users/${ids[n % ids.length]}`;
        req.body = JSON.stringify({ bio: `bio ${n} ${Math.random()}` });
        return req;
      },
    },
  ];
}

function attrRequests(ids) {
  let n = 0;
  return () => [
    {
      method: 'PUT',
      headers: jsonHeaders,
      setupRequest(req) {
        n += 1;
        req.path = `/api/v4/users/${ids[n % ids.length]}/custom_attributes/bench_attr`;
        req.body = JSON.stringify({ value: `v${n}` });
        return req;
      },
    },
  ];
}

async function main() {
  requireDist('apps/api/src/main.js');
  const logDir = os.tmpdir();
  const api = forkProbed(requireDist('apps/api/src/main.js'), [], serverEnv(), path.join(logDir, `bench-cpu-api-${process.pid}.log`));
  const worker = spawn(process.execPath, [requireDist('apps/worker/src/main.js')], { cwd: REPO, env: serverEnv(), stdio: ['ignore', openSync(path.join(logDir, `bench-cpu-worker-${process.pid}.log`), 'a'), 'inherit'] });
  children.push(worker);
  await waitFor(`${API}/api/v4/users/1`, headers);
  const baseline = forkProbed(path.join(REPO, 'bench/baseline.mjs'), ['--port', String(opts.port + 1), '--database-url', opts.databaseUrl], process.env, path.join(logDir, `bench-cpu-baseline-${process.pid}.log`));
  await waitFor(`${BASELINE}/users/1`);

  const db = new pg.Pool({ connectionString: opts.databaseUrl, max: 2 });
  // Users that no command has touched (one event each) and users to bring to 200 events.
  const fresh = (await db.query(`SELECT u.id FROM identity.users u JOIN es_streams s ON s.stream_id = 'identity.user-' || u.id WHERE s.version = 1 AND u.username LIKE 'bench-%' ORDER BY u.id LIMIT 20000`)).rows.map((r) => Number(r.id));
  const readId = fresh[0] ?? 1;
  const results = [];
  const row = (r) => results.push(r) && console.error(`  ${r.scenario} ${r.server}: ${fmt(r.reqPerSec)} req/s, ${fmt(r.cpuMsPerRequest, 3)} ms CPU/req, p50 ${r.p50} ms, p99 ${r.p99} ms`);

  console.error(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const reads = {
    get: { api: get(`/api/v4/users/${readId}`), base: get(`/users/${readId}`), label: 'GET /api/v4/users/:id' },
    me: { api: get('/api/v4/user'), base: get('/users/1'), label: 'GET /api/v4/user' },
    list: { api: get('/api/v4/users?per_page=20'), base: get('/users?per_page=20'), label: 'GET /api/v4/users?per_page=20' },
  };
  for (const key of scenarios.filter((s) => s in reads)) {
    const s = reads[key];
    for (let round = 0; round < opts.rounds; round++) {
      // Alternate which goes first, so neither always meets a warmer machine.
      const order = round % 2 === 0 ? ['baseline', 'api'] : ['api', 'baseline'];
      for (const server of order) {
        row(await measure(server === 'api' ? api : baseline, { url: server === 'api' ? API : BASELINE, connections: opts.connections, requests: server === 'api' ? s.api : s.base, label: s.label, server }));
      }
    }
  }

  const writeCount = Math.max(opts.writeConnections * 4, 64);
  if (scenarios.includes('put-200')) {
    const heavy = (await db.query(`SELECT u.id FROM identity.users u WHERE u.username LIKE 'bench-%' ORDER BY u.id DESC LIMIT $1`, [writeCount])).rows.map((r) => Number(r.id));
    const versions = (await db.query(`SELECT stream_id, version FROM es_streams WHERE stream_id = ANY($1)`, [heavy.map((id) => `identity.user-${id}`)])).rows;
    const missing = heavy.map((id) => ({ id, need: 200 - Number(versions.find((v) => v.stream_id === `identity.user-${id}`)?.version ?? 0) })).filter((u) => u.need > 0);
    console.error(`  ${heavy.length} users with 200+ events (${missing.length} topped up now)`);
    await Promise.all(
      Array.from({ length: 8 }, async (_, lane) => {
        for (const { id, need } of missing.filter((_, i) => i % 8 === lane)) {
          for (let i = 0; i < need; i++) await fetch(`${API}/api/v4/users/${id}`, { method: 'PUT', headers: jsonHeaders, body: JSON.stringify({ bio: `history ${i}` }) });
        }
      }),
    );
    for (let round = 0; round < opts.rounds; round++) row(await measure(api, { url: API, connections: opts.writeConnections, requests: putRequests(heavy), label: 'PUT /api/v4/users/:id, 200+ events', server: 'api' }));
  }
  for (let round = 0; round < opts.rounds; round++) {
    // Each round takes users no command has touched yet, so every PUT lands on a short stream.
    const slice = fresh.slice(1 + round * 5000, 1 + (round + 1) * 5000);
    if (scenarios.includes('put-fresh')) {
      if (slice.length < writeCount) fail(`put-fresh needs ${writeCount} untouched seeded users per round; seed more with bench/seed.mjs`);
      row(await measure(api, { url: API, connections: opts.writeConnections, requests: putRequests(slice), label: 'PUT /api/v4/users/:id, 1 event before', server: 'api' }));
    }
    if (scenarios.includes('attr')) row(await measure(api, { url: API, connections: opts.writeConnections, requests: attrRequests(fresh.slice(-2000)), label: 'PUT /api/v4/users/:id/custom_attributes/:key', server: 'api' }));
  }
  await db.end();
  report(results);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function report(results) {
  const labels = [...new Set(results.map((r) => r.scenario))];
  console.log(`\nnode ${process.version}, ${os.cpus().length} CPUs, load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${opts.duration} s per measurement, medians of ${opts.rounds} round(s)\n`);
  console.log('| Scenario | Server | req/s | CPU ms/req | p50 ms | p99 ms | SQL statements/req | CPU ratio API/baseline | p99 ratio | failed |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const label of labels) {
    const by = (server) => results.filter((r) => r.scenario === label && r.server === server);
    const summary = (rows) => rows.length && { rps: median(rows.map((r) => r.reqPerSec)), cpu: median(rows.map((r) => r.cpuMsPerRequest)), p50: median(rows.map((r) => r.p50)), p99: median(rows.map((r) => r.p99)), sql: median(rows.map((r) => r.statementsPerRequest)), failed: rows.reduce((a, r) => a + r.failed, 0) };
    const base = summary(by('baseline'));
    const api = summary(by('api'));
    if (base) console.log(`| ${label} | baseline | ${fmt(base.rps)} | ${fmt(base.cpu, 3)} | ${base.p50} | ${base.p99} | ${fmt(base.sql, 2)} | | | ${base.failed} |`);
    if (api) console.log(`| ${label} | API | ${fmt(api.rps)} | ${fmt(api.cpu, 3)} | ${api.p50} | ${api.p99} | ${fmt(api.sql, 2)} | ${base ? `${fmt(api.cpu / base.cpu, 2)}x` : '-'} | ${base ? `${fmt(api.p99 / base.p99, 2)}x` : '-'} | ${api.failed} |`);
  }
  if (opts.json) import('node:fs').then(({ writeFileSync }) => writeFileSync(opts.json, JSON.stringify({ node: process.version, results }, null, 2)));
}

main()
  .then(() => {
    stopAll();
    process.exit(0);
  })
  .catch((error) => {
    console.error(error);
    stopAll();
    process.exit(1);
  });
