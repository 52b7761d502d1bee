import { describe, expect, it } from 'vitest';
import { buildSignalExitStatus, watchStopSignals, type StopSignal } from './stop-signals.ts';

describe('stop signals', () => {
  it('gives the status a shell reports for a command ended by the signal', () => {
    expect(buildSignalExitStatus('SIGTERM')).toBe(143);
    expect(buildSignalExitStatus('SIGINT')).toBe(130);
  });

  it('calls back once, on the first stop signal, and then lets go of both signals', () => {
    const before = { SIGTERM: process.listenerCount('SIGTERM'), SIGINT: process.listenerCount('SIGINT') };
    const seen: StopSignal[] = [];
    watchStopSignals((signal) => seen.push(signal));
    expect(process.listenerCount('SIGTERM')).toBe(before.SIGTERM + 1);

    process.emit('SIGINT');

    expect(seen).toEqual(['SIGINT']);
    expect({ SIGTERM: process.listenerCount('SIGTERM'), SIGINT: process.listenerCount('SIGINT') }).toEqual(before);
  });

  it('lets go of both signals when unsubscribed', () => {
    const before = process.listenerCount('SIGTERM');
    const unwatch = watchStopSignals(() => undefined);
    unwatch();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
