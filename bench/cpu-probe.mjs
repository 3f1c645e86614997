// Preloaded (`node --import ./bench/cpu-probe.mjs`) into the server processes bench/cpu.mjs forks.
// Over the IPC channel it answers `{ probe: 'read' }` with the process's own `process.cpuUsage()`,
// the HTTP requests it has started and closed (answered or abandoned by the client), and the
// statements it has sent through pg (in all, and by text), so the benchmark reads each server's CPU,
// requests and database round trips from inside it. One pg `query` call is one round trip: the app's
// batches are a single multi-statement query. Production code is untouched; no signals are used
// (Nest's shutdown hooks take SIGUSR2 as well as SIGTERM).
import diagnostics from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// The API measured without the per-request activity touch (the `activity` scenario's reference):
// the tracker is the only thing replaced, in this process only.
if (process.env.BENCH_ACTIVITY_TOUCH === 'off') {
  const tracker = path.join(process.cwd(), 'dist/libs/activity/src/application/activity/activity-tracker.js');
  const { ActivityTracker } = await import(pathToFileURL(tracker).href);
  ActivityTracker.prototype.touch = function untracked() {};
}

if (process.send) {
  let statements = 0;
  let started = 0;
  let closed = 0;
  // 'close' comes for every response, finished or cut off when the load generator stops.
  diagnostics.subscribe('http.server.request.start', ({ response }) => {
    started += 1;
    response.once('close', () => (closed += 1));
  });
  const byText = new Map();
  // The app's pg (CommonJS; its ESM entry re-exports the same classes).
  const pg = createRequire(path.join(process.cwd(), 'package.json'))('pg');
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function countedQuery(config, values, ...rest) {
    statements += 1;
    const key = statementKey(config, values);
    byText.set(key, (byText.get(key) ?? 0) + 1);
    return original.call(this, config, values, ...rest);
  };
  process.on('message', (message) => {
    if (message?.probe === 'read') process.send({ probe: 'usage', cpu: process.cpuUsage(), started, closed, statements, byText: Object.fromEntries(byText) });
  });
  // The IPC channel must not keep a server alive once it is asked to stop.
  process.channel?.unref();
}

/**
 * A statement with parameters has a fixed text, which names it. A text without them may inline
 * literals (the app's batches do), so it is named by the first words of each of its statements:
 * the counts stay few, and the split costs microseconds against the milliseconds of a write.
 */
function statementKey(config, values) {
  const text = typeof config === 'string' ? config : config?.text;
  if (typeof text !== 'string') return '(no text)';
  if (Array.isArray(values ?? config?.values) || config?.name) return text;
  return text
    .split(';\n')
    .map((statement) => statement.trim().split(/\s+/, 5).join(' '))
    .join('; ');
}
