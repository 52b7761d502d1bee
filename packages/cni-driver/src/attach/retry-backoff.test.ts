import { describe, expect, it } from 'vitest';
import { createRetryBackoff } from './retry-backoff.ts';

const ref = { network: 'ns/alpha', ifName: 'net1' };
const other = { network: 'ns/beta', ifName: 'net2' };
const at = (ms: number): Date => new Date(Date.UTC(2026, 0, 1) + ms);
const error = { code: 'PLUGIN_FAILED', message: 'no lease' };

describe('createRetryBackoff', () => {
  it('records a failure with its attempt count, its error and a retry time one initial wait later', () => {
    const backoff = createRetryBackoff({ initialMs: 500, maxMs: 10_000 });
    expect(backoff.recordFailure('sb1', ref, error, at(0))).toEqual({
      name: 'ns/alpha',
      interface: 'net1',
      code: 'PLUGIN_FAILED',
      message: 'no lease',
      attempts: 1,
      retryAfter: at(500).toISOString(),
    });
  });

  it('doubles the wait after each failure of the same attachment, up to maxMs', () => {
    const backoff = createRetryBackoff({ initialMs: 500, maxMs: 1_500 });
    backoff.recordFailure('sb1', ref, error, at(0));
    const second = backoff.recordFailure('sb1', ref, error, at(0));
    expect(second).toMatchObject({ attempts: 2, retryAfter: at(1_000).toISOString() });
    const third = backoff.recordFailure('sb1', ref, error, at(0));
    expect(third).toMatchObject({ attempts: 3, retryAfter: at(1_500).toISOString() });
  });

  it('waits 1 s after a first failure and at most 60 s by default', () => {
    const backoff = createRetryBackoff();
    expect(backoff.recordFailure('sb1', ref, error, at(0)).retryAfter).toBe(at(1_000).toISOString());
    let last = backoff.recordFailure('sb1', ref, error, at(0));
    for (let i = 0; i < 10; i++) last = backoff.recordFailure('sb1', ref, error, at(0));
    expect(last.retryAfter).toBe(at(60_000).toISOString());
  });

  it('holds an attachment back until its retry time, and only that attachment of that sandbox', () => {
    const backoff = createRetryBackoff({ initialMs: 1_000 });
    const failure = backoff.recordFailure('sb1', ref, error, at(0));
    expect(backoff.selectWaiting('sb1', ref, at(999))).toEqual(failure);
    expect(backoff.selectWaiting('sb1', ref, at(1_000))).toBeUndefined();
    expect(backoff.selectWaiting('sb1', other, at(0))).toBeUndefined();
    expect(backoff.selectWaiting('sb2', ref, at(0))).toBeUndefined();
  });

  it('counts failures per attachment and per sandbox', () => {
    const backoff = createRetryBackoff();
    backoff.recordFailure('sb1', ref, error, at(0));
    expect(backoff.recordFailure('sb1', other, error, at(0)).attempts).toBe(1);
    expect(backoff.recordFailure('sb2', ref, error, at(0)).attempts).toBe(1);
    expect(backoff.recordFailure('sb1', ref, error, at(0)).attempts).toBe(2);
  });

  it('lists the failures of a sandbox, and none of a sandbox it never saw', () => {
    const backoff = createRetryBackoff();
    const a = backoff.recordFailure('sb1', ref, error, at(0));
    const b = backoff.recordFailure('sb1', other, error, at(0));
    backoff.recordFailure('sb2', ref, error, at(0));
    expect(backoff.list('sb1')).toEqual([a, b]);
    expect(backoff.list('nope')).toEqual([]);
  });

  it('forgets one attachment, or every attachment of a sandbox, and starts counting again', () => {
    const backoff = createRetryBackoff();
    backoff.recordFailure('sb1', ref, error, at(0));
    const kept = backoff.recordFailure('sb1', other, error, at(0));
    backoff.forget('sb1', ref);
    expect(backoff.list('sb1')).toEqual([kept]);
    expect(backoff.recordFailure('sb1', ref, error, at(0)).attempts).toBe(1);
    backoff.forget('sb1');
    expect(backoff.list('sb1')).toEqual([]);
    expect(backoff.selectWaiting('sb1', other, at(0))).toBeUndefined();
    backoff.forget('never-seen', ref);
  });
});
