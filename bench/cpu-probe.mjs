// Preloaded (`node --import ./bench/cpu-probe.mjs`) into the server processes bench/cpu.mjs forks.
// Over the IPC channel it answers `{ probe: 'read' }` with the process's own `process.cpuUsage()`
// and the SQL statements it has sent through pg so far, so the benchmark reads each server's CPU
// and database round trips from inside it. Production code is untouched; no signals are used
// (Nest's shutdown hooks take SIGUSR2 as well as SIGTERM).
import { createRequire } from 'node:module';
import path from 'node:path';

if (process.send) {
  let statements = 0;
  // The app's pg (CommonJS; its ESM entry re-exports the same classes).
  const pg = createRequire(path.join(process.cwd(), 'package.json'))('pg');
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function countedQuery(...args) {
    statements += 1;
    return original.apply(this, args);
  };
  process.on('message', (message) => {
    if (message?.probe === 'read') process.send({ probe: 'usage', cpu: process.cpuUsage(), statements });
  });
  // The IPC channel must not keep a server alive once it is asked to stop.
  process.channel?.unref();
}
