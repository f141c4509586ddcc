import { describe, expect, it } from 'vitest';
import { isConnectionError, isKnownTransient, PermanentError } from './errors.js';

const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('error classes', () => {
  it('connection-level failures: refused, lost, server shutting down, login timeout, also as a cause', () => {
    expect(isConnectionError(coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(coded('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isConnectionError(coded('Failed to connect to erp:1433 in 15000ms', 'ETIMEOUT'))).toBe(true);
    expect(isConnectionError(new Error('post failed', { cause: coded('read ECONNRESET', 'ECONNRESET') }))).toBe(true);
  });

  it('lock timeouts and deadlocks are transient but not connection failures; permanent errors are neither', () => {
    const deadlock = Object.assign(new Error('Transaction was deadlocked'), { number: 1205 });
    expect(isConnectionError(deadlock)).toBe(false);
    expect(isKnownTransient(deadlock)).toBe(true);
    expect(isKnownTransient(coded('canceling statement due to lock timeout', '55P03'))).toBe(true);
    expect(isKnownTransient(Object.assign(new Error('Bitrix24 HTTP 503'), { transient: true }))).toBe(true);
    const bad = new PermanentError('tahsilatlar 1: amount is 0', { cause: coded('x', 'ECONNREFUSED') });
    expect(isConnectionError(bad)).toBe(false);
    expect(isKnownTransient(bad)).toBe(false);
    expect(isKnownTransient(new TypeError('cannot read properties of undefined'))).toBe(false);
  });
});
