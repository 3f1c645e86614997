#!/usr/bin/env node
// Loads N users into a benchmark database THROUGH THE EVENT STORE, in bulk.
//
// Each user gets what `POST /api/v4/users` by root (force_random_password, skip_confirmation) leaves:
//   es_streams row + `identity.user_created` event (payload from the app's own decider),
//   the rows of every inline projection the app registers for that event (its own projections,
//   run against a recorder in this process, their INSERTs replayed in bulk), the
//   identity.user_password_hashes row, and the audit rows (the contexts' own audit mappings).
// Ids come from identity.users_id_seq / identity.namespaces_id_seq, as CreateUserHandler takes them.
//
// The seed writes the audit rows itself and then moves the relay checkpoint past its own events
// (only when nothing else was appended meanwhile), so a worker started later does not re-deliver
// a million `user_created` jobs in the middle of a benchmark. The relay seals what it delivers in
// the transaction that moves its checkpoint, so the seed seals its events there too, with the
// relay's own code and in its order: otherwise `npm run audit:verify` would report them unsealed.
//
// Usage: node bench/seed.mjs --users 100000 [--database-url URL] [--batch 5000] [--jobs 2] [--force]
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import argon2 from 'argon2';
import {
  BENCH_QUEUE_PREFIX,
  BENCH_USERNAME_PREFIX,
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

const USAGE = `Usage: node bench/seed.mjs --users N [options]

  --users N            users to add (required)
  --database-url URL   benchmark database (default: $DATABASE_URL or ${DEFAULT_DATABASE_URL})
  --batch N            users per transaction (default 5000)
  --jobs N             concurrent writer connections (default 2)
  --created-by ID      created_by_id of seeded users, as if root created them via the API; "none" for null (default 1)
  --root-token TOKEN   root's token if the database has to be bootstrapped (default: $ROOT_PERSONAL_ACCESS_TOKEN or ${DEFAULT_ROOT_TOKEN})
  --force              seed even though the database holds users that are not root or bench users
  --no-analyze         skip ANALYZE at the end

An empty or unmigrated database is bootstrapped first by starting the app (dist/apps/launcher)
on a spare port until root exists and the worker has relayed every event; needs \`npm run build\`
and Redis. The worker must not be running while the seed runs.
BENCH_SEED_TIMING=1 prints the time spent per step (Node generation, each table's INSERT).`;

const opts = parseArgs(
  process.argv.slice(2),
  {
    users: 0,
    databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    batch: 5000,
    jobs: 2,
    createdBy: '1',
    rootToken: process.env.ROOT_PERSONAL_ACCESS_TOKEN || DEFAULT_ROOT_TOKEN,
    force: false,
    noAnalyze: false,
  },
  USAGE,
);
if (!Number.isInteger(opts.users) || opts.users <= 0) fail(`--users must be a positive integer\n\n${USAGE}`);
if (!Number.isInteger(opts.batch) || opts.batch <= 0) fail('--batch must be a positive integer');
if (!Number.isInteger(opts.jobs) || opts.jobs <= 0) fail('--jobs must be a positive integer');
assertLocal(opts.databaseUrl, '--database-url');
const createdById = opts.createdBy === 'none' ? null : Number(opts.createdBy);
if (createdById !== null && !Number.isInteger(createdById)) fail('--created-by must be a user id or "none"');

// The app's own code, compiled: the decider shapes the event, the registered projections shape
// the rows, the contexts' audit mappings shape the audit rows. Nothing here restates those shapes.
const load = (relative) => import(pathToFileURL(requireDist(relative)).href);
const { USER_DECIDER } = await load('libs/identity/src/domain/identity.deciders.js');
const { userStreamId, USER_CREATED } = await load('libs/identity/src/domain/user/user.events.js');
const { auditEventDrafts } = await load('libs/activity/src/domain/audit-event/audit-event-draft.js');
const { AsyncConsumerRegistry, AuditMappingRegistry, EVENTS_CHANNEL, ProjectionRegistry, RELAY_SUBSCRIPTION_ID } = await load(
  'libs/eventstore/src/index.js',
);
const { loadConfig } = await load('libs/shared/src/index.js');
const { readSealHead, sealEvents } = await load('libs/eventstore/src/integrity/event-seals.js');
const { createWorkerApp } = await load('apps/worker/src/create-worker-app.js');

const RELAY_LOCK_KEY = 7_345_002; // EventRelay's advisory lock: held while a worker relays
/** Events sealed per round trip: one read of positions, one of hashes, one INSERT of seals. */
const SEAL_BATCH = 10_000;
const runId = randomUUID();
const correlationId = `bench-seed-${runId}`;

// ---------------------------------------------------------------------------------------------
// Database state checks

const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.jobs + 1, application_name: 'bench-seed' });

async function q(text, params) {
  return (await pool.query(text, params)).rows;
}

async function schemaReady() {
  const [row] = await q("SELECT to_regclass('identity.users') IS NOT NULL AND to_regclass('activity.audit_events') IS NOT NULL AND to_regclass('credentials.token_owners') IS NOT NULL AS ready");
  return row.ready;
}

async function relayActive() {
  const [row] = await q(
    `SELECT count(*)::int AS n FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND classid = 0 AND objid = $1 AND objsubid = 1`,
    [RELAY_LOCK_KEY],
  );
  return row.n > 0;
}

async function relayCheckpoint() {
  const rows = await q(
    'SELECT last_transaction_id::text AS tx, last_global_position AS pos FROM es_subscriptions WHERE subscription_id = $1',
    [RELAY_SUBSCRIPTION_ID],
  );
  return rows.length ? { tx: rows[0].tx, pos: String(rows[0].pos) } : { tx: '0', pos: '0' };
}

/** Events the relay has not delivered yet; `exceptCorrelation` leaves out this run's own. */
async function undeliveredEvents(exceptCorrelation = null) {
  const cp = await relayCheckpoint();
  const [row] = await q(
    `SELECT count(*)::int AS n FROM es_events
      WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
        AND ($3::text IS NULL OR metadata->>'correlation_id' IS DISTINCT FROM $3)`,
    [cp.tx, cp.pos, exceptCorrelation],
  );
  return row.n;
}

async function missingAuditRows() {
  const [row] = await q(
    `SELECT count(*)::int AS n FROM es_events e
      WHERE e.event_type = ANY($1) AND NOT EXISTS (SELECT 1 FROM activity.audit_events a WHERE a.source_event_id = e.event_id)`,
    [(await appRegistries()).audits.storedEventTypes()],
  );
  return row.n;
}

async function rootExists() {
  const [row] = await q('SELECT count(*)::int AS n FROM identity.users WHERE id = 1');
  return row.n > 0;
}

async function foreignUsers() {
  return q(
    `SELECT id, username FROM identity.users WHERE id <> 1 AND username NOT LIKE $1 ORDER BY id LIMIT 5`,
    [`${BENCH_USERNAME_PREFIX.replace(/[\\%_]/g, '\\$&')}%`],
  );
}

/**
 * Boots the app once (API + worker, spare port) so that migrations run, root and its token
 * exist, and every event so far is relayed and audited; then stops it again.
 */
async function bootstrapWithApp(reason) {
  const logFile = path.join(process.env.TMPDIR || '/tmp', `bench-seed-bootstrap-${process.pid}.log`);
  console.error(`Bootstrapping ${databaseName(opts.databaseUrl)} with the app (${reason}); log: ${logFile}`);
  const app = await startLauncher({ databaseUrl: opts.databaseUrl, port: 0, rootToken: opts.rootToken, logFile, env: { LOG_LEVEL: 'warn' } });
  const deadline = Date.now() + 120_000;
  try {
    for (;;) {
      if (app.child.exitCode !== null) fail(`the app exited during bootstrap; see ${logFile}`);
      if (Date.now() > deadline) fail(`bootstrap did not finish within 120 s; see ${logFile}`);
      await sleep(500);
      try {
        if (!(await schemaReady()) || !(await rootExists())) continue;
        if ((await undeliveredEvents()) > 0 || (await missingAuditRows()) > 0) continue;
        break;
      } catch {
        // migrations may still be running
      }
    }
  } finally {
    await app.stop();
  }
  console.error('Bootstrap done: schema migrated, root exists, relay caught up.');
}

// ---------------------------------------------------------------------------------------------
// The app's registries: which projections and audit mappings `identity.user_created` reaches

/**
 * The worker's composition root, booted without starting anything (as `projections:rebuild`
 * does): its ProjectionRegistry and AuditMappingRegistry are the ones the app fills at boot, so a
 * context that starts projecting `identity.user_created` is picked up here without editing the seed.
 */
let appContext = null;
async function appRegistries() {
  if (!appContext) {
    const config = loadConfig({ ...process.env, DATABASE_URL: opts.databaseUrl, QUEUE_PREFIX: BENCH_QUEUE_PREFIX, LOG_LEVEL: 'silent' });
    appContext = await createWorkerApp(config, { logger: false });
  }
  return {
    projections: appContext.get(ProjectionRegistry),
    audits: appContext.get(AuditMappingRegistry),
    consumers: appContext.get(AsyncConsumerRegistry),
  };
}

// ---------------------------------------------------------------------------------------------
// Generating one batch with the app's code

/** Runs a projection against a recorder: the SQL it would run for one event, not executed. */
class StatementRecorder {
  statements = [];
  async query(text, params = []) {
    this.statements.push({ text: text.replace(/\s+/g, ' ').trim(), params });
    return [];
  }
}

/** `schema.table`, either part optionally double-quoted. */
const TABLE = String.raw`"?([a-z_]+)"?\."?([a-z_]+)"?`;
/** `INSERT INTO schema.table (a, b) VALUES ($1, $2) [ON CONFLICT …]`, each value one placeholder (repeats allowed). */
const INSERT_ROW = new RegExp(String.raw`^INSERT INTO ${TABLE} \(([^()]+)\) VALUES \(([^()]+)\)( ON CONFLICT \([a-z_, ]+\) DO NOTHING)?$`);
/** A fresh user id has no rows anywhere yet, so clearing "this user's rows" is a no-op in bulk. */
const DELETE_USER_ROWS = new RegExp(String.raw`^DELETE FROM ${TABLE} WHERE user_id = \$1$`);

/**
 * Per table the seed writes: its column list (learned from the first event, fixed after) and
 * the statement's ON CONFLICT clause; in the order the projections first wrote them, which is the
 * order of the app's transaction (so foreign keys hold as they do there).
 */
const tables = new Map();

/** The rows every projection registered for `identity.user_created` would insert for this event. */
async function projectedRows(stored, projections) {
  const rows = [];
  for (const projection of projections) {
    const recorder = new StatementRecorder();
    await projection.apply(stored, recorder);
    for (const { text, params } of recorder.statements) {
      const insert = INSERT_ROW.exec(text);
      if (insert) {
        const [, schema, name, columnList, valueList, onConflict = ''] = insert;
        const table = `${schema}.${name}`;
        const columns = columnList.split(',').map((c) => c.trim());
        const indexes = valueList.split(',').map((v) => /^\$(\d+)$/.exec(v.trim())?.[1]).map(Number);
        if (indexes.length !== columns.length || indexes.some((i) => !(i >= 1 && i <= params.length))) {
          fail(`projection ${projection.name} ran an INSERT the seed cannot map to columns, update bench/seed.mjs: ${text}`);
        }
        const known = tables.get(table);
        if (!known) tables.set(table, { columns, onConflict, projection: projection.name });
        else if (known.columns.join(',') !== columns.join(',') || known.onConflict !== onConflict) {
          fail(`projection ${projection.name} changed its INSERT into ${table} between events: ${text}`);
        }
        const row = {};
        columns.forEach((column, i) => {
          const value = params[indexes[i] - 1];
          row[column] = value instanceof Date ? value.toISOString() : value;
        });
        rows.push({ table, row });
      } else if (!DELETE_USER_ROWS.test(text)) {
        fail(`projection ${projection.name} ran SQL the seed does not know how to bulk-load, update bench/seed.mjs: ${text}`);
      }
    }
  }
  return rows;
}

async function buildBatch(ids, { projections, audits }) {
  const streams = [];
  const events = [];
  const rowsByTable = new Map();
  const auditRows = [];
  for (const { id, namespace_id } of ids) {
    const now = new Date();
    const userId = Number(id);
    const [event, ...more] = USER_DECIDER.decide(
      {
        kind: 'create_user',
        id: userId,
        namespaceId: Number(namespace_id),
        createdById,
        userType: 'human',
        profile: seedProfile(userId),
        passwordMode: 'random',
        password: null,
        skipConfirmation: true,
        identity: null,
        avatar: null,
      },
      USER_DECIDER.initialState,
      now,
    );
    if (event.type !== USER_CREATED || more.length > 0) fail(`the decider answered create_user with ${[event, ...more].map((e) => e.type).join(', ')}; update bench/seed.mjs`);
    const streamId = userStreamId(userId);
    const metadata = {
      actor_id: createdById,
      actor_username: createdById === 1 ? 'root' : null,
      actor_name: createdById === 1 ? 'Administrator' : null,
      impersonator_id: null,
      ip: '127.0.0.1',
      user_agent: 'bench/seed.mjs',
      request_id: randomUUID(),
      correlation_id: correlationId,
      causation_id: null,
    };
    const stored = {
      ...event,
      globalPosition: 0,
      transactionId: '0',
      eventId: randomUUID(),
      streamId,
      streamVersion: 1,
      metadata,
      occurredAt: now,
    };
    streams.push({ stream_id: streamId, stream_type: streamId.replace(/-[^-]*$/, ''), version: 1 });
    events.push({ ord: events.length, event_id: stored.eventId, stream_id: streamId, stream_version: 1, event_type: event.type, schema_version: event.schemaVersion, data: event.data, metadata });
    for (const { table, row } of await projectedRows(stored, projections)) {
      if (!rowsByTable.has(table)) rowsByTable.set(table, []);
      rowsByTable.get(table).push(row);
    }
    // created_at is written from es_events.occurred_at at insert time, as the audit worker reads it back.
    for (const draft of auditEventDrafts([stored], audits)) {
      const { created_at: _occurredAt, ...row } = draft;
      auditRows.push(row);
    }
  }
  return { ids: ids.map((r) => r.id), streams, events, rowsByTable, audits: auditRows };
}

// ---------------------------------------------------------------------------------------------
// Writing one batch: one transaction, one statement per table, rows passed as one JSON document

const statementMs = new Map();
async function timed(client, label, text, params) {
  const t = performance.now();
  const result = await client.query(text, params);
  statementMs.set(label, (statementMs.get(label) ?? 0) + performance.now() - t);
  return result;
}

/** Every table a seeded user has one row in. */
function writtenTables() {
  return ['es_streams', 'es_events', ...tables.keys(), 'identity.user_password_hashes', 'activity.audit_events'];
}

async function writeBatch(client, batch, passwordHash) {
  await client.query('BEGIN');
  try {
    await timed(client, 'es_streams',
      `INSERT INTO es_streams (stream_id, stream_type, version)
       SELECT x.stream_id, x.stream_type, x.version FROM jsonb_to_recordset($1::jsonb) AS x(stream_id text, stream_type text, version bigint)`,
      [JSON.stringify(batch.streams)],
    );
    // es_events.occurred_at keeps its default (clock_timestamp()), as in EventStore.append.
    await timed(client, 'es_events',
      `INSERT INTO es_events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
       SELECT x.event_id, x.stream_id, x.stream_version, x.event_type, x.schema_version, x.data, x.metadata
         FROM jsonb_to_recordset($1::jsonb)
           AS x(ord int, event_id uuid, stream_id text, stream_version bigint, event_type text, schema_version int, data jsonb, metadata jsonb)
        ORDER BY x.ord`,
      [JSON.stringify(batch.events)],
    );
    // The projections' rows, table by table in the order the app's transaction writes them;
    // the table's own row type turns the JSON values into its column types.
    for (const [table, { columns, onConflict }] of tables) {
      const rows = batch.rowsByTable.get(table) ?? [];
      if (rows.length !== batch.ids.length) fail(`${rows.length} rows for ${table} in a batch of ${batch.ids.length} users`);
      const cols = columns.join(', ');
      await timed(client, table, `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)${onConflict}`, [JSON.stringify(rows)]);
    }
    // CreateUserHandler stores the hash beside the log, in the append's transaction (storePasswordHash).
    await timed(client, 'identity.user_password_hashes',
      'INSERT INTO identity.user_password_hashes (user_id, password_hash, updated_at) SELECT unnest($1::bigint[]), $2, now()',
      [batch.ids, passwordHash],
    );
    // created_at is the event's occurred_at, as the audit worker writes it.
    await timed(client, 'activity.audit_events',
      `INSERT INTO activity.audit_events (author_id, entity_id, entity_type, event_name, details, created_at, source_event_id)
       SELECT x.author_id, x.entity_id, x.entity_type, x.event_name, x.details, e.occurred_at, x.source_event_id
         FROM jsonb_to_recordset($1::jsonb)
           AS x(author_id bigint, entity_id bigint, entity_type text, event_name text, details jsonb, source_event_id uuid)
         JOIN es_events e ON e.event_id = x.source_event_id
       ON CONFLICT (source_event_id, event_name) DO NOTHING`,
      [JSON.stringify(batch.audits)],
    );
    await client.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, '']);
    await timed(client, 'commit', 'COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Seals every event after `checkpoint` as the relay would have on delivering it: in
 * `(transaction_id, global_position)` order after the current seal head, with the relay's own
 * `sealEvents`, on `client` inside the caller's transaction (the one that moves the checkpoint).
 * The caller holds es_events in SHARE mode, so every event read here has committed.
 */
async function sealAsTheRelay(client, checkpoint) {
  const sql = { query: async (text, params) => (await client.query(text, params)).rows };
  let head = await readSealHead(sql);
  let after = checkpoint;
  let sealed = 0;
  for (;;) {
    // Aliased `tx`: an output column named transaction_id (text) is what ORDER BY would sort by.
    const rows = (
      await client.query(
        `SELECT transaction_id::text AS tx, global_position AS pos FROM es_events
          WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
          ORDER BY transaction_id, global_position LIMIT $3`,
        [after.tx, after.pos, SEAL_BATCH],
      )
    ).rows;
    if (rows.length === 0) return sealed;
    const before = head.sealNumber;
    head = await sealEvents(sql, head, rows.map((row) => ({ transactionId: row.tx, globalPosition: Number(row.pos) })));
    sealed += head.sealNumber - before;
    after = rows[rows.length - 1];
  }
}
// ---------------------------------------------------------------------------------------------

async function main() {
  if (await ensureDatabase(opts.databaseUrl)) console.error(`Created database ${databaseName(opts.databaseUrl)}`);

  if (await schemaReady()) {
    const foreign = await foreignUsers();
    if (foreign.length && !opts.force) {
      fail(
        `${databaseName(opts.databaseUrl)} already has users that are neither root nor bench users ` +
          `(${foreign.map((u) => `${u.id}:${u.username}`).join(', ')}…). Use a separate benchmark database, or --force.`,
      );
    }
  }
  if ((await schemaReady()) && (await relayActive())) {
    fail('a worker (event relay) is running on this database: stop it while seeding, the seed moves the relay checkpoint itself.');
  }
  if (!(await schemaReady())) await bootstrapWithApp('not migrated');
  else if (!(await rootExists())) await bootstrapWithApp('no root user');
  else if ((await undeliveredEvents()) > 0) await bootstrapWithApp('events not relayed yet');

  const registries = await appRegistries();
  const seedProjections = registries.projections.forEventType(USER_CREATED);
  // An asynchronous consumer keeps its own checkpoint: the seed would have to feed it too.
  const consumers = registries.consumers.all().filter((consumer) => consumer.eventTypes.includes(USER_CREATED));
  if (consumers.length) fail(`asynchronous consumers of ${USER_CREATED} (${consumers.map((c) => c.name).join(', ')}) are not seeded; update bench/seed.mjs`);

  // One argon2id hash (the app's algorithm) of a random password nobody knows, shared by every
  // seeded user: hashing a million passwords would take hours and nothing benchmarks sign-in.
  const passwordHash = await argon2.hash(randomBytes(32).toString('base64url'), { type: argon2.argon2id });

  const before = await q("SELECT count(*)::int AS users, (SELECT last_value FROM identity.users_id_seq) AS last_id FROM identity.users");
  console.error(
    `Seeding ${fmt(opts.users)} users into ${databaseName(opts.databaseUrl)} ` +
      `(${fmt(before[0].users)} users there now; batch ${opts.batch}, ${opts.jobs} writer(s); run ${correlationId})`,
  );
  console.error(`  projections of ${USER_CREATED}: ${seedProjections.map((p) => p.name).join(', ')}`);

  let next = 0;
  let done = 0;
  const started = performance.now();
  let lastReport = started;
  const lane = async () => {
    const client = await pool.connect();
    try {
      // Only this session: a crash could lose the last batches, never corrupt anything.
      await client.query('SET synchronous_commit = off');
      for (;;) {
        const size = Math.min(opts.batch, opts.users - next);
        if (size <= 0) return;
        next += size;
        const ids = (
          await client.query(
            "SELECT nextval('identity.users_id_seq')::text AS id, nextval('identity.namespaces_id_seq')::text AS namespace_id FROM generate_series(1, $1)",
            [size],
          )
        ).rows;
        const tb = performance.now();
        const batch = await buildBatch(ids, { projections: seedProjections, audits: registries.audits });
        statementMs.set('build (node)', (statementMs.get('build (node)') ?? 0) + performance.now() - tb);
        await writeBatch(client, batch, passwordHash);
        done += size;
        const now = performance.now();
        if (now - lastReport > 2000 || done === opts.users) {
          lastReport = now;
          console.error(`  ${fmt(done)} / ${fmt(opts.users)} users  ${fmt(done / ((now - started) / 1000))} users/s`);
        }
      }
    } finally {
      client.release();
    }
  };
  await Promise.all(Array.from({ length: opts.jobs }, lane));
  const seconds = (performance.now() - started) / 1000;
  if (process.env.BENCH_SEED_TIMING === '1') {
    console.error(`  time per step, summed over ${opts.jobs} writer(s): ${[...statementMs].map(([k, v]) => `${k} ${fmt(v / 1000, 1)} s`).join(', ')}`);
  }

  // Move the relay past this run's events, but only if nothing else was appended meanwhile
  // (anything else must still be delivered). The SHARE lock waits for in-flight appends.
  let checkpointMoved = false;
  let sealed = 0;
  let sealSeconds = 0;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE es_events IN SHARE MODE');
    const others = await undeliveredEvents(correlationId);
    if (others === 0 && !(await relayActive())) {
      const t = performance.now();
      sealed = await sealAsTheRelay(client, await relayCheckpoint());
      sealSeconds = (performance.now() - t) / 1000;
      const [last] = (
        await client.query(
          `SELECT transaction_id::text AS tx, global_position AS pos FROM es_events
            WHERE metadata->>'correlation_id' = $1 ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
          [correlationId],
        )
      ).rows;
      await client.query(
        `INSERT INTO es_subscriptions (subscription_id, last_transaction_id, last_global_position, updated_at)
         VALUES ($1, $2::xid8, $3, now())
         ON CONFLICT (subscription_id) DO UPDATE
           SET last_transaction_id = EXCLUDED.last_transaction_id, last_global_position = EXCLUDED.last_global_position, updated_at = now()
         WHERE (es_subscriptions.last_transaction_id, es_subscriptions.last_global_position) < (EXCLUDED.last_transaction_id, EXCLUDED.last_global_position)`,
        [RELAY_SUBSCRIPTION_ID, last.tx, last.pos],
      );
      checkpointMoved = true;
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  if (!checkpointMoved) {
    console.error(
      'warning: other events were appended (or a worker started) while seeding; the relay checkpoint was left alone, ' +
        'so the worker will re-deliver the seeded user_created events (harmless: audit rows are idempotent, but slow).',
    );
  }

  let analyzeSeconds = 0;
  if (!opts.noAnalyze) {
    const t = performance.now();
    await q(`ANALYZE ${[...writtenTables(), 'es_event_seals'].join(', ')}`);
    analyzeSeconds = (performance.now() - t) / 1000;
  }
  const [after] = await q('SELECT count(*)::int AS users FROM identity.users');
  const written = writtenTables();
  console.log(
    `Seeded ${fmt(opts.users)} users in ${fmt(seconds, 1)} s: ${fmt(opts.users / seconds)} users/s ` +
      `(${fmt((opts.users * written.length) / seconds)} rows/s across ${written.join(', ')})` +
      `${checkpointMoved ? `; ${fmt(sealed)} events sealed in ${fmt(sealSeconds, 1)} s` : ''}` +
      `${opts.noAnalyze ? '' : `; ANALYZE ${fmt(analyzeSeconds, 1)} s`}. ${fmt(after.users)} users in ${databaseName(opts.databaseUrl)}.`,
  );
}

main()
  .catch((error) => {
    console.error('Seed failed:', error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await appContext?.close().catch(() => undefined);
    await pool.end();
  });
