/** The expectations every outage scenario of the fault suite shares. */
import { expect } from 'vitest';
import type { FaultReport } from './fault-scenarios.js';

/** Posted within this long after the database accepts connections again. */
export const DRAIN_LIMIT_MS = 10_000;

export function expectOutageWaitedOut(report: FaultReport, records: number, dependency: 'ERP' | 'web database'): void {
  const { outcome } = report;
  const summary = JSON.stringify({ ...report, output: undefined });
  expect(outcome.records, summary).toBe(records);
  const tail = `\nlast process output:\n${report.output.slice(-6000)}`;
  expect({ duplicates: outcome.duplicates, lost: outcome.lost, deadLetters: outcome.deadLetters, mapped: outcome.mapped, openOutbox: outcome.openOutbox }, summary + tail).toEqual({
    duplicates: 0,
    lost: 0,
    deadLetters: 0,
    mapped: records,
    openOutbox: 0,
  });
  expect(report.drainMs, `every document posted within ${DRAIN_LIMIT_MS} ms after the ${dependency} was back: ${summary}`).not.toBeNull();
  expect(report.drainMs!, summary).toBeLessThanOrEqual(DRAIN_LIMIT_MS);
  expect(report.sawWaiting, `status API during the outage: ${JSON.stringify(report.statusDuringOutage)?.slice(0, 2000)}`).toBe(true);
  expect(report.alerts?.outage, `one outage alert: ${JSON.stringify(report.alerts)}`).toHaveLength(1);
  expect(report.alerts?.recovery, `one recovery alert: ${JSON.stringify(report.alerts)}`).toHaveLength(1);
  // Nothing else: no dead letters (the outage was waited out), and a worker paused for the outage
  // is not a flow without a worker, nor is a flow that waits for its dependency stale.
  expect(report.alerts?.other, `no other alert: ${JSON.stringify(report.alerts)}`).toEqual([]);
}
