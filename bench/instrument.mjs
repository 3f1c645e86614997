// Optional instrumentation that bench/load.mjs preloads into the app processes it starts
// (NODE_OPTIONS=--import bench/instrument.mjs) with --instrument. Production code is untouched.
//
//  * Counts every SQL statement sent through pg (normalised text → count) and writes the counts
//    to $BENCH_INSTRUMENT_DIR/queries-<pid>.json every 250 ms.
//  * Samples every pg.Pool of the process every 20 ms (connections checked out, callers waiting for
//    one) and writes running sums alongside the counts: shows whether a pool is the limit.
//  * While the file $BENCH_INSTRUMENT_DIR/profile-<pid> exists, a V8 CPU profile runs; when it is
//    removed the profile is written to $BENCH_INSTRUMENT_DIR/cpu-<pid>-<n>.cpuprofile (open it in
//    Chrome DevTools, or `node bench/profile-summary.mjs <file>`). A file, not a signal: Nest's
//    enableShutdownHooks() shuts the app down on SIGUSR2 as well as SIGTERM.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import inspector from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_INSTRUMENT_DIR;
if (dir) {
  // The app's pg (CommonJS, so ESM imports of it share this instance).
  const pg = createRequire(path.join(process.cwd(), 'package.json'))('pg');
  const counts = new Map();
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function countedQuery(config, values, callback) {
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text === 'string') {
      const key = text.replace(/\s+/g, ' ').trim().slice(0, 120);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return original.call(this, config, values, callback);
  };
  const pools = new Set();
  const originalConnect = pg.Pool.prototype.connect;
  pg.Pool.prototype.connect = function trackedConnect(...args) {
    pools.add(this);
    return originalConnect.apply(this, args);
  };
  const poolStats = { samples: 0, busy: 0, waiting: 0, maxBusy: 0, maxWaiting: 0 };
  setInterval(() => {
    let busy = 0;
    let waiting = 0;
    for (const pool of pools) {
      busy += pool.totalCount - pool.idleCount;
      waiting += pool.waitingCount;
    }
    poolStats.samples++;
    poolStats.busy += busy;
    poolStats.waiting += waiting;
    poolStats.maxBusy = Math.max(poolStats.maxBusy, busy);
    poolStats.maxWaiting = Math.max(poolStats.maxWaiting, waiting);
  }, 20).unref();

  const role = process.argv[1] ? path.basename(path.dirname(path.dirname(process.argv[1]))) : 'node';
  const file = path.join(dir, `queries-${process.pid}.json`);
  const flush = () => {
    try {
      // Written aside and renamed, so a reader never sees half a file.
      writeFileSync(`${file}.tmp`, JSON.stringify({ pid: process.pid, role, at: Date.now(), counts: Object.fromEntries(counts), pool: poolStats }));
      renameSync(`${file}.tmp`, file);
    } catch {
      // the directory may be gone at shutdown
    }
  };

  let session = null;
  let profiles = 0;
  const trigger = path.join(dir, `profile-${process.pid}`);
  const toggleProfiler = () => {
    const wanted = existsSync(trigger);
    if (wanted && !session) {
      const started = new inspector.Session();
      session = started;
      started.connect();
      started.post('Profiler.enable', () => started.post('Profiler.setSamplingInterval', { interval: 200 }, () => started.post('Profiler.start')));
    } else if (!wanted && session) {
      const current = session;
      session = null;
      current.post('Profiler.stop', (error, result) => {
        if (!error) writeFileSync(path.join(dir, `cpu-${process.pid}-${++profiles}.cpuprofile`), JSON.stringify(result.profile));
        current.disconnect();
      });
    }
  };
  setInterval(() => {
    flush();
    toggleProfiler();
  }, 250).unref();
}
