#!/usr/bin/env node
// The bare baseline bench/load.mjs compares the API with: node:http + a pg Pool, answering
// GET /users/:id with the very SELECT the API runs for a user by id (USER_SELECT from the
// compiled app), serialised as JSON. No framework, no auth, no logging, no presenter.
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
const BY_ID = `${USER_SELECT} WHERE u.id = $1`;
const ROUTE = /^\/users\/([0-9]+)$/;

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

const server = http.createServer(async (req, res) => {
  const match = req.method === 'GET' ? ROUTE.exec(req.url ?? '') : null;
  if (!match) return send(res, 404, { error: '404 Not Found' });
  try {
    const { rows } = await pool.query(BY_ID, [match[1]]);
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
