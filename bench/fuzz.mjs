#!/usr/bin/env node
// The fuzz tier at length: --requests (100,000 by default) requests generated from the service's
// OpenAPI document by the generator test/fuzz uses, against the built API on a database of its own.
//
// Starts dist/apps/api on a spare 127.0.0.1 port with a fresh database (dropped at the end), creates
// the fixtures, sends the requests from --concurrency workers, and prints what it measured: requests
// sent, time, status histogram, 5xx count, contract breaches (see test/fuzz/response-contract.mjs)
// and unhandled-error lines in the API's log. Exit status 1 when any 5xx or breach was seen.
//
// Usage: node bench/fuzz.mjs [--requests 100000] [--seed N] [--concurrency 8] [--port 3919] [--database-url URL]
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import pg from 'pg';
import { FuzzSession } from '../test/fuzz/fuzz-session.mjs';
import { requestArbitrary } from '../test/fuzz/request-arbitraries.mjs';
import { contractProblems } from '../test/fuzz/response-contract.mjs';
import { assertLocal, databaseName, ensureDatabase, fail, fmt, parseArgs, REPO, requireDist, sleep } from './common.mjs';

const USAGE = `Usage: node bench/fuzz.mjs [options]

  --requests N         requests to send (default 100000)
  --seed N             fast-check seed (default: random, printed)
  --concurrency N      requests in flight (default 8)
  --port N             port for the API started here (default 3919)
  --database-url URL   database to create, use and drop (default postgres://postgres@127.0.0.1:5432/gitlab_users_fuzz_<pid>)`;

const opts = parseArgs(
  process.argv.slice(2),
  {
    requests: 100_000,
    seed: Math.floor(Math.random() * 2 ** 31),
    concurrency: 8,
    port: 3919,
    databaseUrl: `postgres://postgres@127.0.0.1:5432/gitlab_users_fuzz_${process.pid}`,
  },
  USAGE,
);
assertLocal(opts.databaseUrl, '--database-url');
const ROOT_TOKEN = 'glpat-bench-fuzz-root-token-0000';
/** fast-check draws each batch of templates from its own seed, derived from --seed. */
const BATCH = 1_000;

async function dropDatabase(url) {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${databaseName(url).replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

function startApi(logFile) {
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [requireDist('apps/api/src/main.js')], {
    cwd: REPO,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      DATABASE_URL: opts.databaseUrl,
      PORT: String(opts.port),
      EXTERNAL_URL: `http://127.0.0.1:${opts.port}`,
      ROOT_PERSONAL_ACCESS_TOKEN: ROOT_TOKEN,
      QUEUE_PREFIX: 'gitlab-users-bench-fuzz',
      // Errors only: a request line per request would be 100,000 lines; unhandled errors are level 50.
      LOG_LEVEL: 'warn',
      USERS_GET_BY_ID_LIMIT: '0',
    },
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited };
}

async function main() {
  if (!(await ensureDatabase(opts.databaseUrl))) fail(`${databaseName(opts.databaseUrl)} already exists: choose a database the fuzzer may create and drop`);
  const logFile = `/tmp/bench-fuzz-${process.pid}.log`;
  const api = startApi(logFile);
  const session = new FuzzSession({ port: opts.port, rootToken: ROOT_TOKEN, label: 'bench' });
  try {
    for (let i = 0; ; i += 1) {
      if (api.child.exitCode !== null) fail(`the API exited during start-up; see ${logFile}`);
      if ((await session.raw({ method: 'GET', path: '/-/readiness', headers: {} }).catch(() => ({ status: 0 }))).status === 200) break;
      if (i > 600) fail('the API did not become ready in 60 s');
      await sleep(100);
    }
    await session.setUp();
    const document = (await session.raw({ method: 'GET', path: '/api/v4/openapi.json', headers: {} })).body;
    const arbitrary = requestArbitrary(document);
    console.log(`node ${process.version}, seed ${opts.seed}, ${fmt(opts.requests)} requests, concurrency ${opts.concurrency}`);

    const started = Date.now();
    let fiveXx = 0;
    for (let first = 0; first < opts.requests; first += BATCH) {
      const templates = fc.sample(arbitrary, { seed: opts.seed + first / BATCH, numRuns: Math.min(BATCH, opts.requests - first) });
      const worker = async () => {
        for (let template = templates.shift(); template; template = templates.shift()) {
          const { request, response } = await session.send(template);
          const problems = contractProblems(response);
          if (response.status >= 500) fiveXx += 1;
          if (problems.length > 0) session.recordFailure(request, response, problems);
        }
      };
      await Promise.all(Array.from({ length: opts.concurrency }, worker));
      if (api.child.exitCode !== null) break;
    }
    const seconds = (Date.now() - started) / 1000;
    const me = await session.raw({ method: 'GET', path: '/api/v4/user', headers: { 'PRIVATE-TOKEN': ROOT_TOKEN } }).catch((error) => ({ status: 0, error: error.message }));
    const unhandled = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('Unhandled error while serving a request') || /"level":(5|6)0\b/.test(line));

    console.log(`requests sent: ${fmt(session.requests)} in ${fmt(seconds, 1)} s (${fmt(session.requests / seconds)} req/s)`);
    console.log(`statuses: ${Object.entries(session.histogram()).map(([status, count]) => `${status}: ${fmt(count)}`).join(', ')}`);
    console.log(`5xx: ${fiveXx}; contract breaches: ${session.failureCount}; error lines in the API log: ${unhandled.length}`);
    console.log(`afterwards: API ${api.child.exitCode === null ? 'running' : `exited (${api.child.exitCode})`}, GET /api/v4/user as root: ${me.status}`);
    for (const failure of session.failures.slice(0, 10)) console.log(`  ${failure.problems.join('; ')} <- ${failure.request} -> ${failure.status} ${failure.body}`);
    for (const line of unhandled.slice(0, 5)) console.log(`  log: ${line.slice(0, 300)}`);
    process.exitCode = fiveXx > 0 || session.failureCount > 0 || unhandled.length > 0 || me.status !== 200 ? 1 : 0;
  } finally {
    session.close();
    if (api.child.exitCode === null) api.child.kill('SIGTERM');
    await api.exited;
    await dropDatabase(opts.databaseUrl);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
