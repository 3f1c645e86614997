#!/usr/bin/env node
// The bare baseline bench/load.mjs and bench/cpu.mjs compare the API with: node:http + a pg Pool,
// answering GET /users/:id with the very SELECT the API runs for a user by id (USER_SELECT from the
// compiled app, prepared as the API prepares it), and GET /users?per_page=N with the statements the
// API runs for an admin's first unfiltered page (the page, the row estimate, the capped count),
// serialised as JSON. No framework, no auth, no logging, no presenter.
//
// Usage: node bench/baseline.mjs [--port 3301] [--database-url URL] [--pool 20]
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { DEFAULT_DATABASE_URL, assertLocal, parseArgs, requireDist } from './common.mjs';

const opts = parseArgs(
  process.argv.slice(2),
  { port: 3301, databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL, pool: 20 },
  'Usage: node bench/baseline.mjs [--port 3301] [--database-url URL] [--pool 20]',
);
assertLocal(opts.databaseUrl, '--database-url');
const { USER_SELECT } = await import(pathToFileURL(requireDist('libs/identity/src/infrastructure/user-row.js')).href);

// Same pool size as the API's (dataSourceOptions: max 20).
const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.pool, application_name: 'bench-baseline' });
const BY_ID = { name: 'baseline_by_id', text: `${USER_SELECT} WHERE u.id = $1` };
const PAGE = { name: 'baseline_page', text: `${USER_SELECT}  ORDER BY u.id DESC LIMIT $1 OFFSET $2` };
const ESTIMATE = "SELECT reltuples AS estimate FROM pg_class WHERE oid = 'identity.users'::regclass";
const CAPPED_COUNT = 'SELECT count(*) AS n FROM (SELECT 1 FROM identity.user_entities u  LIMIT 10001) capped';
const ROUTE = /^\/users\/([0-9]+)$/;
const LIST = /^\/users\?per_page=([0-9]+)$/;

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

const server = http.createServer(async (req, res) => {
  const list = req.method === 'GET' ? LIST.exec(req.url ?? '') : null;
  if (list) {
    try {
      // As the API: the page, and beside it the estimate and (below twice the cap) the capped count.
      const counting = pool.query(ESTIMATE).then(async ({ rows }) => (Number(rows[0].estimate) > 20_002 ? null : Number((await pool.query(CAPPED_COUNT)).rows[0].n)));
      const [page, total] = await Promise.all([pool.query({ ...PAGE, values: [Number(list[1]) + 1, 0] }), counting]);
      res.setHeader('x-total', String(total));
      return send(res, 200, page.rows.slice(0, Number(list[1])));
    } catch (error) {
      return send(res, 500, { message: error instanceof Error ? error.message : String(error) });
    }
  }
  const match = req.method === 'GET' ? ROUTE.exec(req.url ?? '') : null;
  if (!match) return send(res, 404, { error: '404 Not Found' });
  try {
    const { rows } = await pool.query({ ...BY_ID, values: [match[1]] });
    if (rows.length === 0) return send(res, 404, { message: '404 User Not Found' });
    send(res, 200, rows[0]);
  } catch (error) {
    send(res, 500, { message: error instanceof Error ? error.message : String(error) });
  }
});
server.keepAliveTimeout = 65_000;

server.listen(opts.port, '127.0.0.1', () => {
  // load.mjs waits for this line.
  console.log(`baseline listening on http://127.0.0.1:${opts.port}`);
});

const stop = () => {
  server.close();
  server.closeAllConnections?.();
  pool.end().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
