/**
 * On SIGTERM/SIGINT the app drains (requests, jobs) through Nest's shutdown hooks; this
 * bounds how long that may take, so a stuck connection cannot keep a stopping process alive.
 * `onSignal` runs first (e.g. to stop keep-alive on responses still being sent).
 */
/** True once this process received SIGTERM/SIGINT and is draining. */
export const shutdownState = { draining: false };

export function enforceShutdownDeadline(timeoutMs: number, what: string, onSignal: () => void = () => undefined): void {
  const arm = (signal: NodeJS.Signals) => {
    shutdownState.draining = true;
    onSignal();
    const timer = setTimeout(() => {
      console.error(`${what} did not finish shutting down within ${timeoutMs} ms after ${signal} (SHUTDOWN_TIMEOUT_MS); exiting now`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}

