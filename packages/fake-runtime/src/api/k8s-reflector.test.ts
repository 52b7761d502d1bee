import { describe, expect, it } from 'vitest';
import { selectBackoffDelay } from './k8s-reflector.ts';

describe('selectBackoffDelay', () => {
  it('doubles from the initial delay and never passes the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => selectBackoffDelay(n, { initialMs: 200, maxMs: 3000 }))).toEqual([200, 400, 800, 1600, 3000, 3000, 3000]);
  });

  it('defaults to 200 ms doubling up to 30 s', () => {
    expect(selectBackoffDelay(1)).toBe(200);
    expect(selectBackoffDelay(100)).toBe(30_000);
  });
});
