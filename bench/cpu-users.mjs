// The users bench/cpu.mjs writes to, picked so that each write scenario meets the stream length it
// is named after: users whose stream holds one event (seeded or created, never written to since),
// users whose stream holds about 200 (brought there through the API once, then reused), and users
// with the shortest custom-attributes streams. Only seeded or benchmark-created users
// (username `bench-…`) are ever written to.
import { randomBytes } from 'node:crypto';
import { BENCH_USERNAME_PREFIX, fmt } from './common.mjs';

const LANES = 8;

/** Runs `work` over `items` in a few lanes, each item on one lane only (no two writes race on one stream). */
async function inLanes(items, work) {
  await Promise.all(Array.from({ length: LANES }, async (_, lane) => {
    for (let i = lane; i < items.length; i += LANES) await work(items[i], i);
  }));
}

async function send(api, headers, method, route, body) {
  const res = await fetch(`${api}${route}`, { method, headers, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res.json();
}

/** Users whose own stream holds exactly one event, lowest ids first, `exclude` left out. */
export async function untouchedUsers(db, limit, exclude = []) {
  const { rows } = await db.query(
    `SELECT u.id FROM identity.users u JOIN es_streams s ON s.stream_id = 'identity.user-' || u.id
      WHERE s.version = 1 AND u.username LIKE $1 AND u.id <> ALL($2::bigint[]) ORDER BY u.id LIMIT $3`,
    [`${BENCH_USERNAME_PREFIX}%`, exclude, limit],
  );
  return rows.map((r) => Number(r.id));
}

/** Creates `count` users through the API, as an admin creates them (random password, no confirmation). */
export async function createUsers(api, headers, count) {
  const tag = `${BENCH_USERNAME_PREFIX}cpu-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  console.error(`  creating ${fmt(count)} users through the API (node bench/seed.mjs is the faster way to add many)`);
  await inLanes(Array.from({ length: count }, (_, i) => i), (i) =>
    send(api, headers, 'POST', '/api/v4/users', { username: `${tag}-${i}`, email: `${tag}-${i}@example.com`, name: `Bench ${i}`, force_random_password: true, skip_confirmation: true }),
  );
}

/** `count` untouched users, created through the API when there are not enough. */
export async function freshUsers(db, api, headers, count, exclude) {
  const found = await untouchedUsers(db, count, exclude);
  if (found.length >= count) return found;
  await createUsers(api, headers, count - found.length);
  return untouchedUsers(db, count, exclude);
}

/**
 * `count` users whose stream holds at least `events` events: the shortest such streams first;
 * when there are too few, untouched users are brought there with bio updates through the API.
 */
export async function heavyUsers(db, api, headers, count, events) {
  const { rows } = await db.query(
    `SELECT u.id FROM identity.users u JOIN es_streams s ON s.stream_id = 'identity.user-' || u.id
      WHERE s.version >= $1 AND u.username LIKE $2 ORDER BY s.version, u.id LIMIT $3`,
    [events, `${BENCH_USERNAME_PREFIX}%`, count],
  );
  const ids = rows.map((r) => Number(r.id));
  if (ids.length < count) {
    const added = await freshUsers(db, api, headers, count - ids.length, ids);
    console.error(`  bringing ${added.length} users to ${events} events (${fmt(added.length * (events - 1))} bio updates through the API, once)`);
    await inLanes(added, async (id) => {
      for (let n = 1; n < events; n++) await send(api, headers, 'PUT', `/api/v4/users/${id}`, { bio: `history ${n}` });
    });
    ids.push(...added);
  }
  return ids;
}

/**
 * `count` users with the shortest custom-attributes streams; users without one only when too few
 * have one, since their first write creates the stream rather than appending to it.
 */
export async function attributeUsers(db, count) {
  const { rows } = await db.query(
    `SELECT u.id FROM identity.users u LEFT JOIN es_streams s ON s.stream_id = 'identity.custom-attributes-' || u.id
      WHERE u.username LIKE $1 ORDER BY s.version IS NULL, s.version, u.id LIMIT $2`,
    [`${BENCH_USERNAME_PREFIX}%`, count],
  );
  return rows.map((r) => Number(r.id));
}

/** The shortest and longest of the streams `streamOf(id)` names, in events (a missing stream holds 0). */
export async function streamLengths(db, ids, streamOf) {
  const { rows } = await db.query(
    'SELECT min(COALESCE(s.version, 0)) AS min, max(COALESCE(s.version, 0)) AS max FROM unnest($1::text[]) AS w(id) LEFT JOIN es_streams s ON s.stream_id = w.id',
    [ids.map(streamOf)],
  );
  return { min: Number(rows[0].min), max: Number(rows[0].max) };
}

/**
 * Bench users for the moderation scenario, highest ids first (away from the other scenarios'
 * lowest-first picks), each with the state it is in now, so that every request changes it.
 */
export async function moderationUsers(db, count) {
  const { rows } = await db.query(
    `SELECT u.id, COALESCE(s.state, 'active') AS state FROM identity.users u LEFT JOIN moderation.user_states s ON s.user_id = u.id
      WHERE u.username LIKE $1 AND COALESCE(s.state, 'active') IN ('active', 'blocked') ORDER BY u.id DESC LIMIT $2`,
    [`${BENCH_USERNAME_PREFIX}%`, count],
  );
  return rows.map((r) => ({ id: Number(r.id), blocked: r.state === 'blocked' }));
}
