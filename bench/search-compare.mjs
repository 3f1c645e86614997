#!/usr/bin/env node
// Same answers before and after a change to user search: records, or compares with a recording,
// the first three pages of GET /users?search= for 200 terms drawn from the seeded users, as an
// admin and as a non-admin (ids in order, X-Total, X-Total-Pages, X-Next-Page, status).
//
// Starts the app (dist/apps/launcher) on a spare port against --database-url. Typical use:
//   node bench/search-compare.mjs --record /tmp/search-before.json      # with the old build in dist/
//   npm run build
//   node bench/search-compare.mjs --compare /tmp/search-before.json     # exits 1 when any answer differs
// The terms depend only on the seeded rows (a fixed PRNG seed), so both runs ask the same questions.
import { readFile, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { assertLocal, createReadToken, DEFAULT_ROOT_TOKEN, fail, parseArgs, startLauncher, waitReady } from './common.mjs';

const USAGE = `Usage: node bench/search-compare.mjs (--record FILE | --compare FILE) [options]

  --database-url URL   seeded benchmark database (default: $DATABASE_URL or postgres://postgres@127.0.0.1:5432/gitlab_users_search)
  --port N             port for the app started here (default 3918)
  --terms N            number of terms (default 200)
  --pages N            pages per term and viewer (default 3)
  --root-token TOKEN   root's token (default: $ROOT_PERSONAL_ACCESS_TOKEN or ${DEFAULT_ROOT_TOKEN})
  --user-token TOKEN   a non-admin's token (default: create a read_api token for the first sampled user)`;

const opts = parseArgs(
  process.argv.slice(2),
  {
    databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/gitlab_users_search',
    port: 3918,
    terms: 200,
    pages: 3,
    record: '',
    compare: '',
    rootToken: process.env.ROOT_PERSONAL_ACCESS_TOKEN || DEFAULT_ROOT_TOKEN,
    userToken: '',
  },
  USAGE,
);
assertLocal(opts.databaseUrl, '--database-url');
if (!opts.record === !opts.compare) fail(`give exactly one of --record FILE and --compare FILE\n\n${USAGE}`);
const base = `http://127.0.0.1:${opts.port}`;

/** mulberry32: a small seeded PRNG, so both runs draw the same terms. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 200 terms of every kind the search distinguishes, from a fixed sample of the seeded users. */
function drawTerms(sample, count) {
  const random = prng(20261206);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const words = [...new Set(sample.flatMap((u) => u.name.split(/\s+/)))].filter((w) => w.length >= 3);
  const flip = (s) => [...s].map((c) => (random() < 0.3 ? c.toUpperCase() : c)).join('');
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-';
  const kinds = [
    () => { const u = pick(sample).username; const start = 3 + Math.floor(random() * (u.length - 6)); return u.slice(start, start + 3 + Math.floor(random() * 4)); }, // selective fragment
    () => flip(pick(words)), // broad: a first or last name
    () => pick(words).slice(0, 3).toLowerCase(), // broad prefix of 3
    () => pick(alphabet), // one character: exact matches only
    () => pick(alphabet) + pick(alphabet), // two characters
    () => flip(pick(sample).username), // exact username
    () => flip(pick(sample).name), // exact name: many users share it
    () => pick(sample).email.toUpperCase(), // exact email (admins only)
    () => `${pick(words)} ${pick(words).slice(0, 4)}`, // two terms
    () => `"${pick(sample).name.toLowerCase()}"`, // a quoted term with a space
    () => `@${pick(sample).username}`, // a leading @
    () => `zq${Math.floor(random() * 1e6)}x`, // matches nothing
    () => `${pick(words).slice(0, 2)}%_`, // LIKE wildcards are literal
  ];
  const terms = [];
  for (let i = 0; terms.length < count; i += 1) {
    const term = kinds[i % kinds.length]();
    if (!terms.includes(term)) terms.push(term);
  }
  return terms;
}

async function ask(path, token) {
  const res = await fetch(base + path, { headers: { 'private-token': token } });
  const body = await res.json();
  return {
    status: res.status,
    total: res.headers.get('x-total'),
    totalPages: res.headers.get('x-total-pages'),
    nextPage: res.headers.get('x-next-page'),
    ids: Array.isArray(body) ? body.map((user) => user.id) : body,
  };
}

async function main() {
  const db = new pg.Pool({ connectionString: opts.databaseUrl, max: 1 });
  const sample = (await db.query("SELECT id, name, username, email FROM identity.users WHERE id % 9973 = 0 AND user_type = 'human' ORDER BY id")).rows;
  await db.end();
  if (sample.length < 20) fail(`only ${sample.length} sampled users: seed the database first (node bench/seed.mjs --users 1000000)`);
  const terms = drawTerms(sample, opts.terms);

  const app = await startLauncher({
    databaseUrl: opts.databaseUrl,
    port: opts.port,
    rootToken: opts.rootToken,
    logFile: `/tmp/bench-search-compare-${process.pid}.log`,
    env: { LOG_LEVEL: 'warn', QUEUE_PREFIX: 'gitlab-users-bench-search-compare' },
  });
  try {
    await waitReady(base, 60, app.child);
    const viewers = { admin: opts.rootToken, user: opts.userToken || (await createReadToken(base, opts.rootToken, sample[0].id, 'search-compare')) };
    const questions = terms.flatMap((term) =>
      Object.keys(viewers).flatMap((viewer) =>
        Array.from({ length: opts.pages }, (_, i) => ({ viewer, path: `/api/v4/users?search=${encodeURIComponent(term)}&per_page=20&page=${i + 1}` })),
      ),
    );
    const answers = {};
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < questions.length) {
          const { viewer, path } = questions[next++];
          answers[`${viewer} ${path}`] = await ask(path, viewers[viewer]);
        }
      }),
    );
    console.log(`${questions.length} requests (${terms.length} terms x ${Object.keys(viewers).length} viewers x ${opts.pages} pages) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (opts.record) {
      await writeFile(opts.record, JSON.stringify({ terms, answers }, null, 1));
      console.log(`recorded in ${opts.record}`);
      return;
    }
    const recorded = JSON.parse(await readFile(opts.compare, 'utf8'));
    let differing = 0;
    for (const [key, before] of Object.entries(recorded.answers)) {
      const now = answers[key];
      if (JSON.stringify(now) !== JSON.stringify(before)) {
        differing += 1;
        if (differing <= 10) console.log(`DIFFERS ${key}\n  before ${JSON.stringify(before)}\n  now    ${JSON.stringify(now)}`);
      }
    }
    const missing = Object.keys(recorded.answers).filter((key) => !(key in answers)).length;
    const nonEmpty = Object.values(answers).filter((a) => Array.isArray(a.ids) && a.ids.length > 0).length;
    console.log(`${Object.keys(recorded.answers).length} recorded answers: ${differing} differ, ${missing} not asked now; ${nonEmpty} answers had rows`);
    if (differing > 0 || missing > 0) process.exitCode = 1;
  } finally {
    await app.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
