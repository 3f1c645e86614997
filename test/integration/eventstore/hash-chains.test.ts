import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ChainVerifier, EventStore, VERIFICATION_SNAPSHOT, verifyChains, type ChainVerification } from '../../../libs/eventstore/src/index.js';
import { clientSql, type Sql } from '../../../libs/shared/src/index.js';
import { eventually, startTestApp, unique, type TestContext } from '../../support/test-app.js';

const run = promisify(execFile);
const VERIFY_CLI = path.resolve('dist/apps/worker/src/audit-verify.js');
const METADATA = { actor_id: null, actor_username: null, impersonator_id: null, ip: null, user_agent: null, request_id: null, correlation_id: null, causation_id: null };

/**
 * The log's two hash chains: every stream's, computed in the append transaction, and the seal
 * chain the relay writes in its delivery order. Rows are changed "behind the trigger's back" (with
 * `session_replication_role = replica`, which turns the append-only triggers off, as a superuser
 * could) and verification must name the link where it happened.
 */
describe('hash chains: every edit or removal of a stored event is caught where it was made', () => {
  let ctx: TestContext;
  /** A stream of three events appended in one statement, then two more one by one. */
  let streamId: string;

  async function appendEvents(stream: string, values: number[]): Promise<void> {
    const events = values.map((n) => ({ type: 'test.chain_link', schemaVersion: 1, data: { n, note: `value ${n}` } }));
    await ctx.api.get(EventStore).append(stream, events, { expectedVersion: 'any', metadata: METADATA });
  }

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    const [row] = await ctx.db.query<{ n: string }>(sql, params);
    return Number(row.n);
  }

  async function everythingSealed(): Promise<void> {
    await eventually(
      async () => ((await count('SELECT count(*) AS n FROM es_events')) === (await count('SELECT count(*) AS n FROM es_event_seals')) ? true : undefined),
      15_000,
      'the relay to seal every event',
    );
  }

  async function position(stream: string, version: number): Promise<number> {
    return count('SELECT global_position AS n FROM es_events WHERE stream_id = $1 AND stream_version = $2', [stream, version]);
  }

  /**
   * Verifies inside one transaction that first changes rows with the triggers off, then rolls it
   * all back, so that each case starts from the intact log.
   */
  async function verifyAfter(tamper: (sql: Sql) => Promise<unknown>): Promise<ChainVerification> {
    const client = new pg.Client({ connectionString: ctx.config.databaseUrl });
    await client.connect();
    const sql: Sql = clientSql(client);
    try {
      await client.query('BEGIN');
      await client.query(VERIFICATION_SNAPSHOT.replace(', READ ONLY', ''));
      await client.query('SET LOCAL session_replication_role = replica');
      await tamper(sql);
      await client.query('SET LOCAL session_replication_role = origin');
      return await verifyChains((work) => work(sql), sql);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  }

  beforeAll(async () => {
    ctx = await startTestApp('hash_chains');
    streamId = `test.chain-${unique('s')}`;
    await appendEvents(streamId, [1, 2, 3]);
    await appendEvents(streamId, [4]);
    await appendEvents(streamId, [5]);
    for (let i = 0; i < 5; i += 1) await appendEvents(`test.chain-${unique('other')}`, [i, i + 1]);
    await ctx.startWorker();
    await everythingSealed();
  });
  afterAll(async () => ctx?.close());

  it("the worker verifies on its schedule from the start (the job audit.verify-chains), leaving the outcome for the metrics", async () => {
    const recorded = await eventually(
      async () => (await ctx.db.query<{ intact: boolean }>('SELECT intact FROM es_chain_verifications ORDER BY id LIMIT 1'))[0],
      15_000,
      "the worker's first scheduled verification",
    );
    expect(recorded.intact).toBe(true);
  });

  it('an untouched log verifies intact: every event checked and sealed, and the outcome is kept for the metrics', async () => {
    const result = await ctx.api.get(ChainVerifier).verify();
    const events = await count('SELECT count(*) AS n FROM es_events');
    expect(result).toMatchObject({ intact: true, breakCount: 0, breaks: [], eventsChecked: events, sealsChecked: events, awaitingSeal: 0 });
    expect(result.headSeal).toMatch(/^[0-9a-f]{64}$/);
    const [recorded] = await ctx.db.query<{ intact: boolean; events_checked: string; breaks: string }>('SELECT intact, events_checked, breaks FROM es_chain_verifications ORDER BY id DESC LIMIT 1');
    expect(recorded).toEqual({ intact: true, events_checked: String(events), breaks: '0' });
    const metrics = await ctx.http.get('/-/metrics');
    expect(metrics.text).toMatch(/^gitlab_users_audit_chain_intact 1$/m);
    expect(metrics.text).toMatch(new RegExp(`^gitlab_users_audit_chain_events_verified ${events}$`, 'm'));
  });

  it('each hash covers the one before it: events appended in one statement are chained in version order', async () => {
    const rows = await ctx.db.query<{ stream_version: string; linked: boolean; alone: boolean }>(
      `SELECT e.stream_version,
              e.hash = es_event_hash(COALESCE(lag(e.hash) OVER w, ''::bytea), e) AS linked,
              e.hash = es_event_hash(''::bytea, e) AS alone
         FROM es_events e WHERE stream_id = $1 WINDOW w AS (ORDER BY stream_version) ORDER BY stream_version`,
      [streamId],
    );
    expect(rows.map((row) => [Number(row.stream_version), row.linked, row.alone])).toEqual([
      [1, true, true],
      [2, true, false],
      [3, true, false],
      [4, true, false],
      [5, true, false],
    ]);
  });

  it('writers to different streams never wait on each other: a transaction held open after its append blocks nobody else', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let appended = false;
    const slow = ctx.api.get(EventStore).transaction(async (tx) => {
      await tx.append(`test.chain-${unique('held')}`, [{ type: 'test.chain_link', schemaVersion: 1, data: { n: 0 } }], { expectedVersion: 'any', metadata: METADATA });
      appended = true;
      await held;
    });
    try {
      await eventually(async () => (appended ? true : undefined), 5_000, 'the held transaction to append');
      // Would wait for the held transaction (and time the test out) if the chain serialised streams.
      await appendEvents(`test.chain-${unique('free')}`, [1, 2]);
    } finally {
      release();
      await slow;
    }
  });

  it('a stored event edited: the break is that event, in its stream', async () => {
    const at = await position(streamId, 3);
    const result = await verifyAfter((sql) => sql.query(`UPDATE es_events SET data = jsonb_set(data, '{n}', '30') WHERE stream_id = $1 AND stream_version = 3`, [streamId]));
    expect(result.intact).toBe(false);
    expect(result.breakCount).toBe(1);
    expect(result.breaks[0]).toEqual({ chain: 'stream', globalPosition: at, problem: expect.stringContaining(`stream ${streamId} version 3 (test.chain_link, global position ${at})`) });
  });

  it("an event's metadata edited is caught too", async () => {
    const at = await position(streamId, 1);
    const result = await verifyAfter((sql) => sql.query(`UPDATE es_events SET metadata = metadata || '{"actor_id": 1}' WHERE global_position = $1`, [at]));
    expect(result.breaks.map((found) => found.globalPosition)).toEqual([at]);
  });

  it('an edit whose hash was recomputed: the next event of the stream and the seal of the edited one break', async () => {
    const edited = await position(streamId, 2);
    const next = await position(streamId, 3);
    const result = await verifyAfter(async (sql) => {
      await sql.query(`UPDATE es_events SET data = jsonb_set(data, '{n}', '20') WHERE global_position = $1`, [edited]);
      await sql.query(
        `UPDATE es_events e SET hash = es_event_hash((SELECT hash FROM es_events WHERE stream_id = e.stream_id AND stream_version = 1), e) WHERE global_position = $1`,
        [edited],
      );
    });
    expect(result.breakCount).toBe(2);
    expect(result.breaks).toEqual([
      { chain: 'stream', globalPosition: next, problem: expect.stringContaining(`stream ${streamId} version 3`) },
      { chain: 'seal', globalPosition: edited, problem: expect.stringMatching(new RegExp(`^seal \\d+ \\(stream ${streamId} version 2, global position ${edited}\\)`)) },
    ]);
  });

  it('an event deleted from the middle of a stream: a gap in its stream, and its seal names the missing event', async () => {
    const removed = await position(streamId, 2);
    const next = await position(streamId, 3);
    const result = await verifyAfter((sql) => sql.query('DELETE FROM es_events WHERE global_position = $1', [removed]));
    expect(result.breaks).toEqual([
      { chain: 'stream', globalPosition: next, problem: `stream ${streamId}: version 3 follows version 1 (events are missing)` },
      { chain: 'seal', globalPosition: removed, problem: expect.stringMatching(new RegExp(`^seal \\d+: the event it seals \\(global position ${removed}\\) is missing$`)) },
    ]);
  });

  it("a stream's last event deleted: the stream's version no longer matches, and the seal names the missing event", async () => {
    const removed = await position(streamId, 5);
    const result = await verifyAfter((sql) => sql.query('DELETE FROM es_events WHERE global_position = $1', [removed]));
    expect(result.breaks).toEqual([
      { chain: 'stream', globalPosition: null, problem: `stream ${streamId}: its version is 5 but its last event is version 4` },
      { chain: 'seal', globalPosition: removed, problem: expect.stringContaining(`(global position ${removed}) is missing`) },
    ]);
  });

  it('a whole stream removed with its stream row: only the seal chain can tell, and it does', async () => {
    const first = await position(streamId, 1);
    const result = await verifyAfter(async (sql) => {
      await sql.query('DELETE FROM es_events WHERE stream_id = $1', [streamId]);
      await sql.query('DELETE FROM es_streams WHERE stream_id = $1', [streamId]);
    });
    expect(result.breaks.every((found) => found.chain === 'seal')).toBe(true);
    expect(result.breakCount).toBe(5);
    expect(result.breaks[0]).toEqual({ chain: 'seal', globalPosition: first, problem: expect.stringContaining(`(global position ${first}) is missing`) });
  });

  it('the stream and its seals removed: the seal numbers have a gap', async () => {
    const result = await verifyAfter(async (sql) => {
      await sql.query('DELETE FROM es_event_seals WHERE global_position IN (SELECT global_position FROM es_events WHERE stream_id = $1)', [streamId]);
      await sql.query('DELETE FROM es_events WHERE stream_id = $1', [streamId]);
      await sql.query('DELETE FROM es_streams WHERE stream_id = $1', [streamId]);
    });
    expect(result.breakCount).toBeGreaterThanOrEqual(1);
    expect(result.breaks[0].problem).toMatch(/^seal \d+ follows seal \d+ \(seals are missing\)$/);
  });

  it('the newest seals removed: the relay delivered past the end of the seals', async () => {
    const result = await verifyAfter((sql) => sql.query('DELETE FROM es_event_seals WHERE seal_number > (SELECT max(seal_number) - 3 FROM es_event_seals)'));
    expect(result.breaks).toEqual([{ chain: 'seal', globalPosition: null, problem: expect.stringContaining('seals were removed from the end') }]);
  });

  it('an event forged into the sealed part of the log (with a valid hash) has no seal', async () => {
    const result = await verifyAfter(async (sql) => {
      const stream = `test.chain-${unique('forged')}`;
      await sql.query(`INSERT INTO es_streams (stream_id, stream_type, version) VALUES ($1, 'test.chain', 1)`, [stream]);
      const [row] = await sql.query<{ global_position: string }>(
        `INSERT INTO es_events (transaction_id, event_id, stream_id, stream_version, event_type, data, hash)
         VALUES ('3'::xid8, gen_random_uuid(), $1, 1, 'test.chain_link', '{"n": 0}', ''::bytea) RETURNING global_position`,
        [stream],
      );
      await sql.query(`UPDATE es_events e SET hash = es_event_hash(''::bytea, e) WHERE global_position = $1`, [row.global_position]);
    });
    expect(result.breaks).toEqual([{ chain: 'seal', globalPosition: expect.any(Number), problem: expect.stringContaining('lies inside the sealed part of the log but has no seal') }]);
  });

  it('a relay sent back to the start delivers again but seals nothing twice, and the log still verifies', async () => {
    // Events the tests before appended may still be on their way to a seal: count once they all have one.
    await everythingSealed();
    const sealsBefore = await count('SELECT count(*) AS n FROM es_event_seals');
    await ctx.stopWorker();
    await ctx.db.query(`UPDATE es_subscriptions SET last_transaction_id = '0', last_global_position = 0 WHERE subscription_id = 'relay'`);
    await appendEvents(streamId, [6]);
    await ctx.startWorker();
    await eventually(async () => ((await count(`SELECT last_global_position AS n FROM es_subscriptions WHERE subscription_id = 'relay'`)) >= (await position(streamId, 6)) ? true : undefined), 15_000, 'the relay to deliver again');
    await everythingSealed();
    expect(await count('SELECT count(*) AS n FROM es_event_seals')).toBe(sealsBefore + 1);
    expect(await ctx.api.get(ChainVerifier).verify()).toMatchObject({ intact: true, breakCount: 0 });
  });

  it('`npm run audit:verify` exits 0 on the intact log, 1 naming the first broken link after a committed edit; the metrics follow', async () => {
    const env = { ...process.env, DATABASE_URL: ctx.config.databaseUrl, LOG_LEVEL: 'silent' };
    const intact = await run(process.execPath, [VERIFY_CLI], { env });
    expect(intact.stdout).toMatch(/^Checked \d+ events in \d+ streams and \d+ seals in [\d.]+ s\.$/m);
    expect(intact.stdout).toMatch(/^Intact: every stream chain and the seal chain hold\.$/m);

    const at = await position(streamId, 4);
    await ctx.db.transaction(async (sql) => {
      await sql.query('SET LOCAL session_replication_role = replica');
      await sql.query(`UPDATE es_events SET data = '{"n": 40}' WHERE global_position = $1`, [at]);
    });
    const broken = await run(process.execPath, [VERIFY_CLI], { env }).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(broken?.code).toBe(1);
    expect(broken?.stdout).toContain(`BROKEN: 1 broken link. First: stream ${streamId} version 4 (test.chain_link, global position ${at})`);
    const json = await run(process.execPath, [VERIFY_CLI, '--json'], { env }).catch((error: { stdout: string }) => error);
    expect(JSON.parse(json.stdout)).toMatchObject({ intact: false, breaks: 1, breaksListed: [{ chain: 'stream', globalPosition: at }] });
    const metrics = await ctx.http.get('/-/metrics');
    expect(metrics.text).toMatch(/^gitlab_users_audit_chain_intact 0$/m);
    expect(metrics.text).toMatch(/^gitlab_users_audit_chain_breaks 1$/m);
  });
});
