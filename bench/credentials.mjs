#!/usr/bin/env node
// Credentials' two targets: token authentication of a never-seen token (a cache miss), and SSH key
// adds per second. Starts the built service (API + worker) on its own database.
//
//   auth-miss  The token lookup every cache miss runs (credentials' one indexed read of its own
//              tables, the SQL of TokenLookup) timed alone from 32 concurrent clients, over tokens
//              that exist; and GET /api/v4/user end to end at 32 connections with the API's token
//              cache off (AUTH_CACHE_TTL_MS=0: every request is a miss) against the same with it on.
//   ssh-add    POST /api/v4/users/:id/keys (admin) with pre-made Ed25519 keys, spread over users.
import { generateKeyPairSync, createHash } from 'node:crypto';
import path from 'node:path';
import os from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import sshpk from 'sshpk';
import { DEFAULT_ROOT_TOKEN, assertLocal, ensureDatabase, fail, fmt, parseArgs, percentile, startLauncher, waitReady } from './common.mjs';

const USAGE = `Usage: node bench/credentials.mjs [--database-url URL] [--port N] [--duration S] [--connections N] [--keys N] [--users N]`;
const opts = parseArgs(
  process.argv.slice(2),
  { 'database-url': 'postgres://postgres@127.0.0.1:5432/gitlab_users_bench_credentials', port: '3360', duration: '10', connections: '32', keys: '4000', users: '200' },
  USAGE,
);
const databaseUrl = opts['database-url'];
assertLocal(databaseUrl, 'the benchmark database');
const port = Number(opts.port);
const duration = Number(opts.duration);
const connections = Number(opts.connections);
const API = `http://127.0.0.1:${port}`;
const root = { 'PRIVATE-TOKEN': DEFAULT_ROOT_TOKEN, 'Content-Type': 'application/json' };

async function http(method, url, body) {
  const res = await fetch(`${API}${url}`, { method, headers: root, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) fail(`${method} ${url}: ${res.status} ${text}`);
  return JSON.parse(text);
}


async function withService(env, work) {
  const service = await startLauncher({ databaseUrl, port, rootToken: DEFAULT_ROOT_TOKEN, logFile: path.join(os.tmpdir(), 'bench-credentials.log'), env: { LOG_LEVEL: 'warn', ...env } });
  try {
    await waitReady(API);
    return await work();
  } finally {
    await service.stop();
  }
}

async function run(requests, seconds = duration) {
  const result = await autocannon({ url: API, connections, duration: seconds, requests });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

await ensureDatabase(databaseUrl);
const results = {};

// Users and their tokens, made once through the API.
const users = await withService({}, async () => {
  const made = [];
  for (let i = 0; i < Number(opts.users); i++) {
    const username = `cred-bench-${Date.now().toString(36)}-${i}`;
    const user = await http('POST', '/api/v4/users', { username, email: `${username}@example.org`, name: username, password: 'Bench-Password-42!', skip_confirmation: true });
    const token = await http('POST', `/api/v4/users/${user.id}/personal_access_tokens`, { name: 'bench', scopes: ['api'] });
    made.push({ id: user.id, token: token.token });
  }
  return made;
});

// auth-miss, the lookup alone: TokenLookup's statement, one at a time and 32 at a time, over the users' tokens.
results.lookup = {};
for (const concurrency of [1, connections]) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: concurrency });
  const sql = `SELECT t.id, t.user_id, t.scopes, t.revoked, to_char(t.expires_at, 'YYYY-MM-DD') AS expires_at, t.impersonation, t.impersonator_id,
                      o.username, o.name, o.admin, o.state, o.user_type
                 FROM credentials.personal_access_tokens t JOIN credentials.token_owners o ON o.user_id = t.user_id
                WHERE t.token_digest = $1`;
  const digests = users.map((user) => createHash('sha256').update(user.token).digest('hex'));
  const timings = [];
  const deadline = Date.now() + duration * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const digest = digests[next++ % digests.length];
        const start = process.hrtime.bigint();
        const { rows } = await pool.query({ name: 'token-lookup', text: sql, values: [digest] });
        timings.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (rows.length !== 1) fail('a bench token was not found');
      }
    }),
  );
  await pool.end();
  timings.sort((a, b) => a - b);
  const row = { lookups: timings.length, perSecond: timings.length / duration, p50: percentile(timings, 50), p99: percentile(timings, 99) };
  results.lookup[concurrency] = row;
  console.error(`lookup alone, ${concurrency} at a time: ${fmt(row.perSecond)}/s, p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms`);
}

// auth-miss end to end: GET /api/v4/user with the cache off, then on, each user's token in turn.
const userRequests = users.map((user) => ({ method: 'GET', path: '/api/v4/user', headers: { 'PRIVATE-TOKEN': user.token } }));
results.missEndToEnd = await withService({ AUTH_CACHE_TTL_MS: '0' }, () => run(userRequests));
console.error(`GET /user, every token a cache miss: ${fmt(results.missEndToEnd.rps)} req/s, p50 ${results.missEndToEnd.p50} ms, p99 ${results.missEndToEnd.p99} ms`);
results.hitEndToEnd = await withService({}, () => run(userRequests));
console.error(`GET /user, tokens cached: ${fmt(results.hitEndToEnd.rps)} req/s, p50 ${results.hitEndToEnd.p50} ms, p99 ${results.hitEndToEnd.p99} ms`);

// ssh-add: pre-made keys, each added once, spread over the users (admin endpoint).
{
  const keys = Array.from({ length: Number(opts.keys) }, () => {
    const { publicKey } = generateKeyPairSync('ed25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    return sshpk.parseKey(publicKey, 'pem').toString('ssh').split(' ').slice(0, 2).join(' ');
  });
  let i = 0;
  const requests = [
    {
      method: 'POST',
      headers: root,
      setupRequest: (request) => {
        const key = keys[i % keys.length];
        const user = users[i % users.length];
        i += 1;
        return { ...request, path: `/api/v4/users/${user.id}/keys`, body: JSON.stringify({ title: `bench ${i}`, key }) };
      },
    },
  ];
  // Stop before the keys run out: a repeated key is a 400 and would not measure an add.
  results.sshAdd = await withService({}, async () => {
    const result = await autocannon({ url: API, connections: 16, amount: keys.length, requests });
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx, added: result['2xx'] };
  });
  console.error(`SSH key add: ${fmt(results.sshAdd.rps)} req/s, p50 ${results.sshAdd.p50} ms, p99 ${results.sshAdd.p99} ms, ${results.sshAdd.added} added, ${results.sshAdd.errors} errors`);
}

console.log(JSON.stringify(results, null, 2));
