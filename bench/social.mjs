#!/usr/bin/env node
// The social context's two targets. Starts the built service (API + worker) on its own database.
//
//   follow     POST /api/v4/users/:id/follow and /unfollow at 32 connections: users with tokens are
//              made through the API, then each request takes a random pair and toggles its edge
//              (follow if this script has not followed it, unfollow if it has), so nearly every
//              request changes something (a 304 would skip the append) and counts as it should.
//   followers  GET /api/v4/users/:id/followers with keyset pages (per_page 20 and 100) at depths 0,
//              10%, 50% and 99% of a user with --followers followers, one request at a time; and
//              the offset pages GitLab clients use, for comparison. The follow edges are written in
//              bulk as the app would have written them: one `social.user_followed` event per
//              follower's stream, the social.follows rows and the counts (the relay checkpoint is
//              moved past them, as bench/seed.mjs does, so the worker does not relay a million
//              audit jobs during the measurement). The followers are users seeded beforehand with
//              `node bench/seed.mjs --users N --database-url <this database>`.
//
// Usage: node bench/social.mjs [follow|followers|all] [--database-url URL] [--port N] [--duration S]
//        [--connections N] [--users N] [--followers N]
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { DEFAULT_ROOT_TOKEN, assertLocal, ensureDatabase, fail, fmt, parseArgs, percentile, requireDist, startLauncher, waitReady } from './common.mjs';

// The app's own code, compiled: the audit rows of the written follows come from social's mapping.
const load = (relative) => import(pathToFileURL(requireDist(relative)).href);
const { auditEventDrafts } = await load('libs/activity/src/domain/audit-event/audit-event-draft.js');
const { SOCIAL_AUDIT_MAPPING } = await load('libs/social/src/audit/social.audit-mapping.js');

const USAGE = 'Usage: node bench/social.mjs [follow|followers|all] [--database-url URL] [--port N] [--duration S] [--connections N] [--users N] [--followers N]';
const scenario = ['follow', 'followers', 'all'].includes(process.argv[2]) ? process.argv[2] : 'all';
const opts = parseArgs(
  process.argv.slice(scenario === process.argv[2] ? 3 : 2),
  { 'database-url': 'postgres://postgres@127.0.0.1:5432/gitlab_users_bench_social', port: '3370', duration: '20', connections: '32', users: '300', followers: '1000000' },
  USAGE,
);
const databaseUrl = opts['database-url'];
assertLocal(databaseUrl, 'the benchmark database');
const port = Number(opts.port);
const API = `http://127.0.0.1:${port}`;
const root = { 'PRIVATE-TOKEN': DEFAULT_ROOT_TOKEN, 'Content-Type': 'application/json' };

async function http(method, url, body, headers = root) {
  const res = await fetch(`${API}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) fail(`${method} ${url}: ${res.status} ${text}`);
  return { body: text ? JSON.parse(text) : null, headers: res.headers };
}


async function followScenario() {
  const users = [];
  for (let i = 0; i < Number(opts.users); i++) {
    const username = `social-bench-${Date.now().toString(36)}-${i}`;
    const { body: user } = await http('POST', '/api/v4/users', { username, email: `${username}@example.org`, name: username, password: 'Bench-Password-42!', skip_confirmation: true });
    const { body: token } = await http('POST', `/api/v4/users/${user.id}/personal_access_tokens`, { name: 'bench', scopes: ['api'] });
    users.push({ id: user.id, token: token.token });
  }
  const edges = new Set();
  const statuses = {};
  const pick = () => {
    for (;;) {
      const a = users[Math.floor(Math.random() * users.length)];
      const b = users[Math.floor(Math.random() * users.length)];
      if (a !== b) return [a, b];
    }
  };
  const result = await autocannon({
    url: API,
    connections: Number(opts.connections),
    duration: Number(opts.duration),
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const [follower, followee] = pick();
          const key = `${follower.id}>${followee.id}`;
          const action = edges.has(key) ? 'unfollow' : 'follow';
          if (action === 'follow') edges.add(key);
          else edges.delete(key);
          return { ...request, path: `/api/v4/users/${followee.id}/${action}`, headers: { 'PRIVATE-TOKEN': follower.token } };
        },
      },
    ],
  });
  for (const [status, count] of Object.entries(result.statusCodeStats ?? {})) statuses[status] = count.count;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, statuses };
}

/** Writes `count` follow edges onto user `targetId` from the seeded users, as the app's events and projection would. */
async function seedFollowers(db, targetId, count) {
  const existing = (await db.query('SELECT followers_count FROM social.user_follow_stats WHERE user_id = $1', [targetId])).rows[0];
  if (existing && existing.followers_count >= count) {
    await writeAuditRows(db, targetId);
    return existing.followers_count;
  }
  const followers = (await db.query(`SELECT id FROM identity.users WHERE username LIKE 'bench-%' AND id <> $1 ORDER BY id LIMIT $2`, [targetId, count])).rows.map((row) => Number(row.id));
  if (followers.length < count) fail(`only ${followers.length} seeded users: run node bench/seed.mjs --users ${count + 1} --database-url ${databaseUrl} first`);
  const target = (await db.query('SELECT username FROM identity.users WHERE id = $1', [targetId])).rows[0].username;
  const correlationId = randomUUID();
  const metadata = JSON.stringify({ actor_id: null, actor_username: null, impersonator_id: null, ip: null, user_agent: 'bench/social.mjs', request_id: null, correlation_id: correlationId, causation_id: null });
  const started = Date.now();
  for (let i = 0; i < followers.length; i += 20_000) {
    const ids = followers.slice(i, i + 20_000);
    await db.query('BEGIN');
    await db.query(
      `INSERT INTO es_streams (stream_id, stream_type, version) SELECT 'social.user-' || id, 'social.user', 1 FROM unnest($1::bigint[]) AS id`,
      [ids],
    );
    await db.query(
      `INSERT INTO es_events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
       SELECT gen_random_uuid(), 'social.user-' || u.id, 1, 'social.user_followed', 1,
              jsonb_build_object('follower_id', u.id, 'followee_id', $2::bigint, 'follower_username', u.username, 'followee_username', $3::text, 'followed_at', now()),
              $4::jsonb
         FROM identity.users u WHERE u.id = ANY($1::bigint[]) ORDER BY u.id`,
      [ids, targetId, target, metadata],
    );
    await db.query('INSERT INTO social.follows (follower_id, followee_id, created_at) SELECT id, $2, now() FROM unnest($1::bigint[]) AS id', [ids, targetId]);
    await db.query('UPDATE social.user_follow_stats SET following_count = following_count + 1 WHERE user_id = ANY($1::bigint[])', [ids]);
    await db.query('UPDATE social.user_follow_stats SET followers_count = followers_count + $2 WHERE user_id = $1', [targetId, ids.length]);
    await db.query('COMMIT');
  }
  await writeAuditRows(db, targetId);
  // The relay would otherwise deliver one audit job per edge during the measurement, and the status
  // expiry scheduler read a million events that hold no status.
  for (const subscription of ['relay', 'consumer.social.status-expiry-scheduler']) {
    await db.query(
      `INSERT INTO es_subscriptions (subscription_id, last_transaction_id, last_global_position, updated_at)
       SELECT $1, transaction_id, global_position, now() FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1
       ON CONFLICT (subscription_id) DO UPDATE
         SET last_transaction_id = EXCLUDED.last_transaction_id, last_global_position = EXCLUDED.last_global_position, updated_at = now()`,
      [subscription],
    );
  }
  await db.query('ANALYZE social.follows');
  console.error(`wrote ${fmt(followers.length)} follow edges (events, rows, counts) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return followers.length;
}

/**
 * The audit rows of the written follow events, as the audit worker would write them (the app's
 * mapping and draft code), for those that have none yet: otherwise the worker's reconciliation
 * would find a million unaudited events and audit them during the measurement.
 */
async function writeAuditRows(db, targetId) {
  let after = 0;
  let written = 0;
  for (;;) {
    const { rows } = await db.query(
      `SELECT e.event_id, e.stream_id, e.stream_version, e.event_type, e.schema_version, e.data, e.metadata, e.occurred_at, e.global_position, e.transaction_id::text
         FROM es_events e
        WHERE e.event_type = 'social.user_followed' AND e.global_position > $2 AND (e.data->>'followee_id')::bigint = $1
          AND NOT EXISTS (SELECT 1 FROM activity.audit_events a WHERE a.source_event_id = e.event_id)
        ORDER BY e.global_position LIMIT 20000`,
      [targetId, after],
    );
    if (rows.length === 0) break;
    const stored = rows.map((row) => ({
      type: row.event_type,
      schemaVersion: row.schema_version,
      data: row.data,
      metadata: row.metadata,
      eventId: row.event_id,
      streamId: row.stream_id,
      streamVersion: Number(row.stream_version),
      globalPosition: Number(row.global_position),
      transactionId: row.transaction_id,
      occurredAt: row.occurred_at,
    }));
    const drafts = auditEventDrafts(stored, SOCIAL_AUDIT_MAPPING).map(({ created_at: _at, ...row }) => row);
    await db.query(
      `INSERT INTO activity.audit_events (author_id, entity_id, entity_type, event_name, details, created_at, source_event_id)
       SELECT x.author_id, x.entity_id, x.entity_type, x.event_name, x.details, e.occurred_at, x.source_event_id
         FROM jsonb_to_recordset($1::jsonb) AS x(author_id bigint, entity_id bigint, entity_type text, event_name text, details jsonb, source_event_id uuid)
         JOIN es_events e ON e.event_id = x.source_event_id
       ON CONFLICT (source_event_id, event_name) DO NOTHING`,
      [JSON.stringify(drafts)],
    );
    written += drafts.length;
    after = Number(rows[rows.length - 1].global_position);
  }
  if (written > 0) console.error(`wrote ${fmt(written)} audit rows for the follow edges`);
}

async function timedPages(label, urls, token) {
  const times = [];
  for (const url of urls) {
    const started = process.hrtime.bigint();
    const res = await fetch(`${API}${url}`, { headers: { 'PRIVATE-TOKEN': token } });
    await res.arrayBuffer();
    if (res.status !== 200) fail(`${url}: ${res.status}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { label, requests: times.length, p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1] };
}

/** The seeded user the followers scenario lists, with its followers written (before the service starts: no relay runs meanwhile). */
async function prepareFollowers(db) {
  const targetId = Number((await db.query(`SELECT id FROM identity.users WHERE username LIKE 'bench-%' ORDER BY id LIMIT 1`)).rows[0]?.id ?? fail('no seeded users: run node bench/seed.mjs first'));
  const followers = await seedFollowers(db, targetId, Number(opts.followers));
  const ids = (await db.query('SELECT follower_id FROM social.follows WHERE followee_id = $1 ORDER BY follower_id', [targetId])).rows.map((row) => Number(row.follower_id));
  return { targetId, followers, pick: (depth) => ids[Math.min(ids.length - 1, Math.max(0, Math.floor(depth * ids.length)))] };
}

const cursor = (id) => Buffer.from(JSON.stringify({ id: String(id) })).toString('base64url');

await ensureDatabase(databaseUrl);
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
const prepared = scenario === 'follow' ? null : await prepareFollowers(db);
const service = await startLauncher({ databaseUrl, port, rootToken: DEFAULT_ROOT_TOKEN, logFile: path.join(os.tmpdir(), 'bench-social.log'), env: { LOG_LEVEL: 'warn' } });
try {
  await waitReady(API);
  const report = { node: process.version, cpus: os.cpus().length };
  if (scenario !== 'followers') {
    report.follow = await followScenario();
    console.error(`follow/unfollow: ${fmt(report.follow.rps)} req/s, p50 ${report.follow.p50} ms, p99 ${report.follow.p99} ms, statuses ${JSON.stringify(report.follow.statuses)}`);
  }
  if (prepared) {
    const { targetId, followers, pick } = prepared;
    const { body: token } = await http('POST', `/api/v4/users/1/personal_access_tokens`, { name: 'bench-read', scopes: ['read_api'] });
    const rounds = 200;
    const pages = [];
    for (const perPage of [20, 100]) {
      for (const depth of [0, 0.1, 0.5, 0.99]) {
        const urls = Array.from({ length: rounds }, () => {
          const at = depth === 0 ? null : pick(depth + (Math.random() - 0.5) * 0.01);
          return `/api/v4/users/${targetId}/followers?pagination=keyset&per_page=${perPage}${at ? `&cursor=${cursor(at)}` : ''}`;
        });
        pages.push(await timedPages(`keyset per_page=${perPage} at ${depth * 100}%`, urls, token.token));
      }
    }
    for (const page of [1, 50, 500]) {
      pages.push(await timedPages(`offset per_page=20 page=${page}`, Array.from({ length: 50 }, () => `/api/v4/users/${targetId}/followers?per_page=20&page=${page}`), token.token));
    }
    report.followers = { followers, pages };
    for (const row of pages) console.error(`${row.label}: p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms, max ${row.max.toFixed(2)} ms (${row.requests} requests)`);
  }
  console.log(JSON.stringify(report, null, 2));
} finally {
  await db.end().catch(() => undefined);
  await service.stop();
}
