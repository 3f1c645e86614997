#!/usr/bin/env node
// GET /users search, username lookup and keyset pagination latency against a seeded database.
//
// Starts the app (dist/apps/launcher) on a spare 127.0.0.1 port against --database-url, runs
// bounded autocannon rounds at --connections, prints p50/p95/p99 per scenario and stops the app.
// Seed first: DATABASE_URL=… node bench/seed.mjs --users 1000000 (the app must not be running).
//
// Usage: node bench/search.mjs [--database-url URL] [--port N] [--connections 8] [--duration 10]
import autocannon from 'autocannon';
import pg from 'pg';
import { assertLocal, BENCH_USERNAME_PREFIX, DEFAULT_ROOT_TOKEN, fail, fmt, parseArgs, startLauncher, waitReady } from './common.mjs';

const USAGE = `Usage: node bench/search.mjs [options]

  --database-url URL   seeded benchmark database (default: $DATABASE_URL or postgres://postgres@127.0.0.1:5432/gitlab_users_search)
  --port N             port for the app started here (default 3917)
  --connections N      autocannon connections (default 8)
  --duration S         seconds per scenario, after a 2 s warm-up (default 10)
  --root-token TOKEN   root's token (default: $ROOT_PERSONAL_ACCESS_TOKEN or ${DEFAULT_ROOT_TOKEN})
  --only WORDS         run only the scenarios whose name contains one of these comma-separated words`;

const opts = parseArgs(
  process.argv.slice(2),
  {
    databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/gitlab_users_search',
    port: 3917,
    connections: 8,
    duration: 10,
    rootToken: process.env.ROOT_PERSONAL_ACCESS_TOKEN || DEFAULT_ROOT_TOKEN,
    only: '',
  },
  USAGE,
);
assertLocal(opts.databaseUrl, '--database-url');

const base = `http://127.0.0.1:${opts.port}`;
const cursor = (payload) => Buffer.from(JSON.stringify(payload)).toString('base64url');
const pick = (list) => list[Math.floor(Math.random() * list.length)];

/** One autocannon round; latencies are collected per response so p95 is exact. */
async function round(name, paths, duration) {
  const latencies = [];
  let errors = 0;
  const instance = autocannon({
    url: base,
    connections: opts.connections,
    duration,
    timeout: 30,
    headers: { 'private-token': opts.rootToken },
    requests: [{ setupRequest: (req) => ({ ...req, path: pick(paths) }) }],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    latencies.push(ms);
    if (status !== 200) errors += 1;
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return { name, requests: latencies.length, rps: result.requests.average, p50: q(50), p95: q(95), p99: q(99), errors };
}

async function main() {
  const db = new pg.Pool({ connectionString: opts.databaseUrl, max: 2 });
  const users = Number((await db.query('SELECT count(*) AS n FROM identity.users')).rows[0].n);
  if (users < 10_000) fail(`only ${users} users in the database: seed it first (node bench/seed.mjs --users 1000000)`);
  const sample = (await db.query(`SELECT id, username FROM identity.users WHERE username LIKE $1 ORDER BY random() LIMIT 500`, [`${BENCH_USERNAME_PREFIX}%`])).rows;
  const minId = Number((await db.query('SELECT min(id) AS id FROM identity.users')).rows[0].id);
  const deepName = (await db.query('SELECT name, id FROM identity.users ORDER BY name DESC, id DESC OFFSET 100 LIMIT 1')).rows[0];
  await db.end();

  // Selective searches: "<first name>-<id>" fragments of seeded usernames (3+ chars, fuzzy ILIKE).
  const searchPaths = sample.map((u) => `/api/v4/users?search=${encodeURIComponent(u.username.slice(BENCH_USERNAME_PREFIX.length))}`);
  const broadPaths = ['jones', 'turing', 'margaret', 'dijkstra'].map((term) => `/api/v4/users?search=${term}`);
  // Terms no user has: the trigram index answers "none" without reading a row.
  const noMatchPaths = sample.map((u) => `/api/v4/users?search=zq${u.id}x`);
  // One character: only exact email, username or name matches count (GitLab's minimum for fuzzy terms is 3).
  const oneCharPaths = [...'abcdefghijklmnopqrstuvwxyz0123456789'].map((c) => `/api/v4/users?search=${c}`);
  const usernamePaths = sample.map((u) => `/api/v4/users?username=${encodeURIComponent(u.username)}`);
  const scenarios = [
    ['search (selective, 3+ chars)', searchPaths],
    ['search (broad: ~5% of users match)', broadPaths],
    ['search (no match)', noMatchPaths],
    ['search (one character)', oneCharPaths],
    ['username (exact)', usernamePaths],
    ['keyset id desc, first page', ['/api/v4/users?pagination=keyset&per_page=20']],
    ['keyset id desc, deep page (last rows)', [`/api/v4/users?pagination=keyset&per_page=20&cursor=${cursor({ id: String(minId + 120) })}`]],
    ['keyset name asc, first page', ['/api/v4/users?pagination=keyset&order_by=name&sort=asc&per_page=20']],
    [
      'keyset name asc, deep page (last rows)',
      [`/api/v4/users?pagination=keyset&order_by=name&sort=asc&per_page=20&cursor=${cursor({ name: deepName.name, id: String(deepName.id) })}`],
    ],
  ];

  const app = await startLauncher({
    databaseUrl: opts.databaseUrl,
    port: opts.port,
    rootToken: opts.rootToken,
    logFile: `/tmp/bench-search-${process.pid}.log`,
    env: { LOG_LEVEL: 'warn', QUEUE_PREFIX: 'gitlab-users-bench-search' },
  });
  try {
    await waitReady(base, 60, app.child);
    console.log(`${fmt(users)} users; ${opts.connections} connections, ${opts.duration} s per scenario\n`);
    console.log('| Scenario | Requests | Req/s | p50 ms | p95 ms | p99 ms | non-200 |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    const only = opts.only ? opts.only.split(',').map((word) => word.trim()).filter(Boolean) : [];
    for (const [name, paths] of scenarios) {
      if (only.length && !only.some((word) => name.includes(word))) continue;
      await round(name, paths, 2); // warm-up
      const r = await round(name, paths, opts.duration);
      console.log(`| ${r.name} | ${fmt(r.requests)} | ${fmt(r.rps)} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.errors} |`);
    }
  } finally {
    await app.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
