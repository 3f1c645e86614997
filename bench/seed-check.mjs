#!/usr/bin/env node
// Checks that a database filled by bench/seed.mjs holds what the app itself would have written.
//
//   --rebuild            rebuilds every registered projection from the event log (the app's own
//                        ProjectionRebuilder) and compares each projection table's checksum before
//                        and after: the seeded rows must be exactly what replaying the events gives.
//   --reference-url URL  compares every table of the seeded database with a reference database,
//                        row by row, after masking what differs by nature (timestamps, event and
//                        request ids, password hashes). With --api-users N the reference is made
//                        first: the app (dist/apps/launcher) is started on an empty database and N
//                        users are created one at a time through POST /api/v4/users, with the same
//                        profiles as the seed (ids 2…N+1), so seed the other database from empty
//                        with --users N.
//
// Usage: node bench/seed-check.mjs --database-url URL [--rebuild] [--reference-url URL [--api-users N]]
import path from 'node:path';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import {
  BENCH_QUEUE_PREFIX,
  DEFAULT_DATABASE_URL,
  DEFAULT_ROOT_TOKEN,
  assertLocal,
  databaseName,
  ensureDatabase,
  fail,
  fmt,
  parseArgs,
  requireDist,
  sleep,
  startLauncher,
} from './common.mjs';
import { seedProfile } from './seed-profile.mjs';

const USAGE = `Usage: node bench/seed-check.mjs --database-url URL [options]

  --database-url URL   the seeded database (default: $DATABASE_URL or ${DEFAULT_DATABASE_URL})
  --rebuild            rebuild every projection from the log and compare table checksums before/after
  --reference-url URL  compare every table with this database, volatile values masked
  --api-users N        first create the reference (must not exist yet) with N users through the API
  --port N             port for the app started for --api-users (default 3390)
  --root-token TOKEN   root's token (default: $ROOT_PERSONAL_ACCESS_TOKEN or ${DEFAULT_ROOT_TOKEN})
  --examples N         differing rows shown per table (default 3)`;

const opts = parseArgs(
  process.argv.slice(2),
  {
    databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    rebuild: false,
    referenceUrl: '',
    apiUsers: 0,
    port: 3390,
    rootToken: process.env.ROOT_PERSONAL_ACCESS_TOKEN || DEFAULT_ROOT_TOKEN,
    examples: 3,
  },
  USAGE,
);
assertLocal(opts.databaseUrl, '--database-url');
if (opts.referenceUrl) assertLocal(opts.referenceUrl, '--reference-url');
if (opts.apiUsers && !opts.referenceUrl) fail('--api-users needs --reference-url');
if (!opts.rebuild && !opts.referenceUrl) fail(`nothing to do: give --rebuild and/or --reference-url\n\n${USAGE}`);

/** Schemas whose tables the app writes; the event store lives in public. */
const SCHEMAS = ['public', 'identity', 'credentials', 'moderation', 'social', 'activity'];

/**
 * Values that differ between two databases by nature, whatever wrote them: clock readings,
 * random ids, the password hash of a random password, where the request came from, and the
 * relay checkpoint (positions in the log). Masked wherever the key appears, in nested JSON too;
 * whether the value is null is still compared.
 */
const VOLATILE_KEYS = new Set([
  'created_at', 'updated_at', 'confirmed_at', 'occurred_at', 'deleted_at', 'password_expires_at', 'expires_at',
  'event_id', 'source_event_id', 'request_id', 'correlation_id', 'user_agent', 'global_position', 'transaction_id',
  'password_hash', 'last_transaction_id', 'last_global_position',
]);
/** Per table: generated keys whose order depends on how concurrently the rows were written. */
const VOLATILE_BY_TABLE = { 'activity.audit_events': new Set(['id']) };

function mask(value, volatile) {
  if (Array.isArray(value)) return value.map((v) => mask(v, volatile));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const key of Object.keys(value).sort()) {
    const v = value[key];
    out[key] = volatile.has(key) || VOLATILE_KEYS.has(key) ? (v === null ? null : '<masked>') : mask(v, volatile);
  }
  return out;
}

async function tablesOf(db) {
  const { rows } = await db.query(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = ANY($1) ORDER BY 1`,
    [SCHEMAS],
  );
  return rows.map((r) => r.name);
}

async function sequencesOf(db) {
  const { rows } = await db.query(
    `SELECT schemaname || '.' || sequencename AS name, last_value::text AS value FROM pg_sequences WHERE schemaname = ANY($1) ORDER BY 1`,
    [SCHEMAS],
  );
  return new Map(rows.map((r) => [r.name, r.value]));
}

const quote = (qualified) => qualified.split('.').map((part) => `"${part.replace(/"/g, '""')}"`).join('.');

async function checksum(db, table) {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS sum FROM (SELECT md5(t::text) AS h FROM ${quote(table)} t) x`,
  );
  return rows[0];
}

// ---------------------------------------------------------------------------------------------
// --rebuild

async function rebuildCheck(db) {
  const load = (relative) => import(pathToFileURL(requireDist(relative)).href);
  const { ProjectionRebuilder, ProjectionRegistry } = await load('libs/eventstore/src/index.js');
  const { loadConfig } = await load('libs/shared/src/index.js');
  const { createWorkerApp } = await load('apps/worker/src/create-worker-app.js');
  const app = await createWorkerApp(loadConfig({ ...process.env, DATABASE_URL: opts.databaseUrl, QUEUE_PREFIX: BENCH_QUEUE_PREFIX, LOG_LEVEL: 'silent' }), { logger: false });
  let same = true;
  try {
    const registry = app.get(ProjectionRegistry);
    const rebuilder = app.get(ProjectionRebuilder);
    console.log(`Rebuilding every projection of ${databaseName(opts.databaseUrl)} from the log:`);
    for (const name of registry.names()) {
      const projection = registry.get(name);
      const before = await Promise.all(projection.tables.map((t) => checksum(db, t)));
      const { events } = await rebuilder.rebuild(name);
      const after = await Promise.all(projection.tables.map((t) => checksum(db, t)));
      projection.tables.forEach((table, i) => {
        const ok = before[i].n === after[i].n && before[i].sum === after[i].sum;
        same &&= ok;
        console.log(`  ${ok ? 'same     ' : 'DIFFERENT'}  ${name} → ${table}: ${fmt(before[i].n)} rows before, ${fmt(after[i].n)} after (${fmt(events)} events replayed)`);
      });
    }
  } finally {
    await app.close();
  }
  // The rebuild rewrote every row: give the planner its statistics back before anything is measured.
  await db.query(`VACUUM ANALYZE`);
  return same;
}

// ---------------------------------------------------------------------------------------------
// --api-users: the reference, written by the app itself

async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: { 'private-token': opts.rootToken, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function createReference(ref) {
  const name = databaseName(opts.referenceUrl);
  if (!(await ensureDatabase(opts.referenceUrl))) fail(`${name} already exists: --api-users makes the reference in a new database`);
  const logFile = path.join(os.tmpdir(), `bench-seed-check-${process.pid}.log`);
  console.log(`Creating ${fmt(opts.apiUsers)} users in ${name} through POST /api/v4/users (app on port ${opts.port}; log: ${logFile})`);
  const app = await startLauncher({ databaseUrl: opts.referenceUrl, port: opts.port, rootToken: opts.rootToken, logFile, env: { LOG_LEVEL: 'warn' } });
  const base = `http://127.0.0.1:${opts.port}`;
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (app.child.exitCode !== null) fail(`the app exited while starting; see ${logFile}`);
      if (Date.now() > deadline) fail(`the app did not become ready within 120 s; see ${logFile}`);
      const ready = await fetch(`${base}/-/readiness`).then((r) => r.status, () => 0);
      if (ready === 200) break;
      await sleep(250);
    }
    // One at a time, so that user N+1 gets id N+1 and the profile the seed gives that id.
    const t = performance.now();
    for (let i = 0; i < opts.apiUsers; i++) {
      const expectedId = i + 2;
      const res = await api('POST', `${base}/api/v4/users`, { ...seedProfile(expectedId), force_random_password: true, skip_confirmation: true });
      if (res.status !== 201) fail(`POST /api/v4/users answered ${res.status}: ${JSON.stringify(res.body)}`);
      if (res.body.id !== expectedId) fail(`POST /api/v4/users created id ${res.body.id}, expected ${expectedId}: start from an empty database`);
    }
    console.log(`  created in ${fmt((performance.now() - t) / 1000, 1)} s; waiting for the worker to write every audit row`);
    const users = opts.apiUsers + 1;
    const auditDeadline = Date.now() + 120_000;
    for (;;) {
      const { rows } = await ref.query("SELECT count(*)::int AS n FROM activity.audit_events WHERE event_name = 'user_created'");
      if (rows[0].n >= users) break;
      if (Date.now() > auditDeadline) fail(`only ${rows[0].n} of ${users} user_created audit rows after 120 s; see ${logFile}`);
      await sleep(250);
    }
  } finally {
    await app.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// --reference-url: table by table

async function maskedRows(db, table) {
  const volatile = VOLATILE_BY_TABLE[table] ?? new Set();
  const { rows } = await db.query(`SELECT row_to_json(t) AS r FROM ${quote(table)} t`);
  return rows.map((row) => JSON.stringify(mask(row.r, volatile))).sort();
}

/** Multiset difference of two sorted lists: what `a` has more of than `b`. */
function surplus(a, b) {
  const counts = new Map();
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
  const out = [];
  for (const x of a) {
    const n = counts.get(x) ?? 0;
    if (n > 0) counts.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

async function compare(seeded, ref) {
  const [seededTables, refTables] = await Promise.all([tablesOf(seeded), tablesOf(ref)]);
  const all = [...new Set([...seededTables, ...refTables])].sort();
  let same = true;
  console.log(`Comparing ${databaseName(opts.databaseUrl)} (seeded) with ${databaseName(opts.referenceUrl)} (reference), volatile values masked:`);
  for (const table of all) {
    if (!seededTables.includes(table) || !refTables.includes(table)) {
      same = false;
      console.log(`  DIFFERENT  ${table}: only in ${seededTables.includes(table) ? 'the seeded' : 'the reference'} database`);
      continue;
    }
    const [a, b] = await Promise.all([maskedRows(seeded, table), maskedRows(ref, table)]);
    const onlySeeded = surplus(a, b);
    const onlyRef = surplus(b, a);
    const ok = onlySeeded.length === 0 && onlyRef.length === 0;
    same &&= ok;
    console.log(`  ${ok ? 'same     ' : 'DIFFERENT'}  ${table}: ${fmt(a.length)} rows seeded, ${fmt(b.length)} in the reference`);
    if (!ok) {
      for (const row of onlySeeded.slice(0, opts.examples)) console.log(`      only seeded:   ${row}`);
      for (const row of onlyRef.slice(0, opts.examples)) console.log(`      only reference: ${row}`);
      if (onlySeeded.length + onlyRef.length > 2 * opts.examples) console.log(`      (${onlySeeded.length} rows only seeded, ${onlyRef.length} only in the reference)`);
    }
  }
  const [seqA, seqB] = await Promise.all([sequencesOf(seeded), sequencesOf(ref)]);
  for (const name of [...new Set([...seqA.keys(), ...seqB.keys()])].sort()) {
    const ok = seqA.get(name) === seqB.get(name);
    same &&= ok;
    console.log(`  ${ok ? 'same     ' : 'DIFFERENT'}  sequence ${name}: last value ${seqA.get(name) ?? '-'} seeded, ${seqB.get(name) ?? '-'} in the reference`);
  }
  return same;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const seeded = new pg.Pool({ connectionString: opts.databaseUrl, max: 2, application_name: 'bench-seed-check' });
  const ref = opts.referenceUrl ? new pg.Pool({ connectionString: opts.referenceUrl, max: 2, application_name: 'bench-seed-check' }) : null;
  try {
    let ok = true;
    if (ref && opts.apiUsers) await createReference(ref);
    if (ref) ok = (await compare(seeded, ref)) && ok;
    if (opts.rebuild) ok = (await rebuildCheck(seeded)) && ok;
    console.log(ok ? '\nThe seeded database matches.' : '\nThe seeded database DIFFERS (see above).');
    if (!ok) process.exitCode = 1;
  } finally {
    await seeded.end();
    await ref?.end();
  }
}

main().catch((error) => {
  console.error('Seed check failed:', error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
