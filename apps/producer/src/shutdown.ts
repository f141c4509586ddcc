/**
 * Stops on SIGTERM/SIGINT/SIGBREAK: the current jobs finish (bounded by SHUTDOWN_TIMEOUT_MS), then
 * exit. Windows has no SIGTERM: a service wrapper stops the process with Ctrl+C (SIGINT) or
 * Ctrl+Break (SIGBREAK), which get the same drain.
 */
import type { Logger } from '@mikrosync/core';

export function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop()
      .then(() => process.exit(0))
      .catch((err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  process.on('SIGBREAK', handler);
}
