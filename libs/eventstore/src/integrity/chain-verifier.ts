import type { Sql } from '@app/shared';
import { RELAY_SUBSCRIPTION_ID } from '../relay/event-relay.js';

/** One broken link, named so that an operator can find the row. */
export interface ChainBreak {
  chain: 'stream' | 'seal';
  /** Where: the event's global position (for a seal, the position it seals), null when the link has none. */
  globalPosition: number | null;
  /** What: a sentence naming the stream and version, or the seal number, and what does not hold. */
  problem: string;
}

export interface ChainVerification {
  intact: boolean;
  eventsChecked: number;
  streamsChecked: number;
  sealsChecked: number;
  /** Events committed after the last seal: the relay seals them as it delivers them (not a break). */
  awaitingSeal: number;
  /** Every break found, in log order within each chain (stream chains first). */
  breakCount: number;
  /** The first breaks (at most BREAKS_LISTED): the first is where to start looking. */
  breaks: ChainBreak[];
  /** The last seal, hex: kept outside the database (logs, tickets), it pins the whole log up to it. */
  headSeal: string | null;
  startedAt: Date;
  finishedAt: Date;
}

const BREAKS_LISTED = 20;

interface BreakRow {
  global_position: string | null;
  problem: string;
  total: string;
}

/**
 * Every event against its own content and the event before it in its stream. A link is checked
 * against the stored hash before it, so an edit is reported where it was made, not at every
 * later event.
 */
const STREAM_LINKS = `
  SELECT global_position, problem FROM (
    SELECT e.global_position,
           CASE
             WHEN e.stream_version <> COALESCE(lag(e.stream_version) OVER w, 0) + 1
               THEN format('stream %s: version %s follows version %s (events are missing)', e.stream_id, e.stream_version, COALESCE(lag(e.stream_version) OVER w, 0))
             WHEN e.hash IS DISTINCT FROM es_event_hash(COALESCE(lag(e.hash) OVER w, ''::bytea), e)
               THEN format('stream %s version %s (%s, global position %s): its content or its link to the event before it does not match its hash',
                           e.stream_id, e.stream_version, e.event_type, e.global_position)
           END AS problem
      FROM es_events e
    WINDOW w AS (PARTITION BY e.stream_id ORDER BY e.stream_version)
  ) links
  WHERE problem IS NOT NULL`;

/** Each stream's version against its last event: catches the last events of a stream removed. */
const STREAM_VERSIONS = `
  SELECT NULL::bigint AS global_position,
         format('stream %s: its version is %s but its last event is version %s', COALESCE(s.stream_id, m.stream_id), COALESCE(s.version::text, 'missing'), COALESCE(m.last::text, 'missing')) AS problem
    FROM es_streams s
    FULL JOIN (SELECT stream_id, max(stream_version) AS last FROM es_events GROUP BY stream_id) m ON m.stream_id = s.stream_id
   WHERE s.version IS DISTINCT FROM m.last`;

/** Seal by seal: numbers without gaps, in the relay's order, each the digest of the seal before it and its event's stored hash. */
const SEAL_LINKS = `
  SELECT global_position, problem FROM (
    SELECT s.global_position,
           CASE
             WHEN s.seal_number <> COALESCE(lag(s.seal_number) OVER w, 0) + 1
               THEN format('seal %s follows seal %s (seals are missing)', s.seal_number, COALESCE(lag(s.seal_number) OVER w, 0))
             WHEN e.global_position IS NULL
               THEN format('seal %s: the event it seals (global position %s) is missing', s.seal_number, s.global_position)
             WHEN lag(s.seal_number) OVER w IS NOT NULL AND (s.transaction_id, s.global_position) <= (lag(s.transaction_id) OVER w, lag(s.global_position) OVER w)
               THEN format('seal %s: out of the relay''s order', s.seal_number)
             WHEN e.transaction_id <> s.transaction_id OR s.seal <> sha256(COALESCE(lag(s.seal) OVER w, ''::bytea) || e.hash)
               THEN format('seal %s (stream %s version %s, global position %s): the event or the seal before it does not match the seal',
                           s.seal_number, e.stream_id, e.stream_version, s.global_position)
           END AS problem
      FROM es_event_seals s
      LEFT JOIN es_events e ON e.global_position = s.global_position
    WINDOW w AS (ORDER BY s.seal_number)
  ) links
  WHERE problem IS NOT NULL`;

const SEAL_HEAD = 'SELECT transaction_id, global_position, seal FROM es_event_seals ORDER BY seal_number DESC LIMIT 1';

/** An event inside the sealed part of the log without a seal: inserted behind the relay's back. */
const UNSEALED = `
  SELECT e.global_position,
         format('stream %s version %s (global position %s) lies inside the sealed part of the log but has no seal', e.stream_id, e.stream_version, e.global_position) AS problem
    FROM es_events e, (${SEAL_HEAD}) head
   WHERE (e.transaction_id, e.global_position) <= (head.transaction_id, head.global_position)
     AND NOT EXISTS (SELECT 1 FROM es_event_seals s WHERE s.global_position = e.global_position)`;

/** The relay's checkpoint moves with the seals: past the last seal, seals were removed from the end. */
const SEALS_CUT_SHORT = `
  SELECT NULL::bigint AS global_position,
         format('the relay delivered up to global position %s but the seals end at %s: seals were removed from the end', r.last_global_position, COALESCE(head.global_position::text, 'none')) AS problem
    FROM es_subscriptions r LEFT JOIN (${SEAL_HEAD}) head ON true
   WHERE r.subscription_id = '${RELAY_SUBSCRIPTION_ID}'
     AND (r.last_transaction_id, r.last_global_position) > COALESCE((head.transaction_id, head.global_position), ('0'::xid8, 0::bigint))`;

const COUNTS = `
  SELECT (SELECT count(*) FROM es_events) AS events,
         (SELECT count(*) FROM es_streams) AS streams,
         (SELECT count(*) FROM es_event_seals) AS seals,
         (SELECT count(*) FROM es_events e
           WHERE (e.transaction_id, e.global_position) > COALESCE((SELECT (transaction_id, global_position) FROM (${SEAL_HEAD}) head), ('0'::xid8, 0::bigint))) AS awaiting,
         (SELECT encode(seal, 'hex') FROM (${SEAL_HEAD}) head) AS head_seal`;

const CHECKS: ReadonlyArray<[ChainBreak['chain'], string]> = [
  ['stream', STREAM_LINKS],
  ['stream', STREAM_VERSIONS],
  ['seal', SEAL_LINKS],
  ['seal', UNSEALED],
  ['seal', SEALS_CUT_SHORT],
];

/** The first breaks a check finds, in log order, and how many it finds in all. */
async function breaksOf(sql: Sql, chain: ChainBreak['chain'], check: string): Promise<{ total: number; breaks: ChainBreak[] }> {
  const rows = await sql.query<BreakRow>(`SELECT global_position, problem, count(*) OVER () AS total FROM (${check}) found ORDER BY global_position NULLS LAST LIMIT ${BREAKS_LISTED}`);
  return {
    total: rows.length === 0 ? 0 : Number(rows[0].total),
    breaks: rows.map((row) => ({ chain, globalPosition: row.global_position === null ? null : Number(row.global_position), problem: row.problem })),
  };
}

/** The first statement of a verification's transaction: one snapshot for every check. */
export const VERIFICATION_SNAPSHOT = 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY';

/**
 * Walks both chains and records the outcome in `es_chain_verifications` for the metrics.
 * `transaction` runs its work in one transaction on one connection, in one snapshot
 * (`VERIFICATION_SNAPSHOT`), so that events committed meanwhile are neither half-seen nor reported.
 */
export async function verifyChains(transaction: <T>(work: (sql: Sql) => Promise<T>) => Promise<T>, record: Sql): Promise<ChainVerification> {
  const startedAt = new Date();
  const result = await transaction(async (sql) => {
    await sql.query('SET LOCAL statement_timeout = 0');
    const found = [];
    for (const [chain, check] of CHECKS) found.push(await breaksOf(sql, chain, check));
    const [counts] = await sql.query<{ events: string; streams: string; seals: string; awaiting: string; head_seal: string | null }>(COUNTS);
    return { found, counts };
  });
  const breaks = result.found.flatMap((check) => check.breaks).slice(0, BREAKS_LISTED);
  const breakCount = result.found.reduce((sum, check) => sum + check.total, 0);
  const verification: ChainVerification = {
    intact: breakCount === 0,
    eventsChecked: Number(result.counts.events),
    streamsChecked: Number(result.counts.streams),
    sealsChecked: Number(result.counts.seals),
    awaitingSeal: Number(result.counts.awaiting),
    breakCount,
    breaks,
    headSeal: result.counts.head_seal,
    startedAt,
    finishedAt: new Date(),
  };
  await record.query(
    `INSERT INTO es_chain_verifications (started_at, finished_at, intact, events_checked, seals_checked, breaks, first_break)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [startedAt, verification.finishedAt, verification.intact, verification.eventsChecked, verification.sealsChecked, breakCount, breaks[0]?.problem ?? null],
  );
  return verification;
}
