/**
 * Fault points for crash tests: when MIKROSYNC_FAULT names a point, the process kills itself
 * there with SIGKILL (no cleanup, like a power cut). Unset in production, where this is a no-op.
 */
export function faultPoint(name: string): void {
  if (process.env.MIKROSYNC_FAULT === name) process.kill(process.pid, 'SIGKILL');
}
