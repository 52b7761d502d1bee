import { describe, expect, it } from 'vitest';
import { beginHeldCall } from './held-call.ts';

describe('beginHeldCall', () => {
  it('runs the call at once with a gate that opens on go()', async () => {
    const seen: string[] = [];
    const held = beginHeldCall(async (gate) => {
      seen.push('begun');
      await gate;
      seen.push('its turn');
      return 42;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['begun']);
    held.go();
    expect(await held.result).toBe(42);
    expect(seen).toEqual(['begun', 'its turn']);
  });

  it('fails the gate with the reason given to cancel(), and the call with it when it waits for the gate', async () => {
    const reason = new Error('not its turn');
    const held = beginHeldCall(async (gate) => gate);
    held.cancel(reason);
    await expect(held.result).rejects.toBe(reason);
  });

  it('never leaves a rejection unhandled: a cancelled call nobody awaits, and a call that throws at once', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      beginHeldCall(async (gate) => gate).cancel(new Error('dropped'));
      beginHeldCall(async () => {
        throw new Error('bad config');
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
