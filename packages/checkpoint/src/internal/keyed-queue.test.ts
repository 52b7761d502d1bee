import { describe, expect, it } from 'vitest';
import { createKeyedQueue } from './keyed-queue.ts';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('createKeyedQueue', () => {
  it('runs operations of one key one after another, in call order', async () => {
    const queue = createKeyedQueue();
    const order: string[] = [];
    const gate = deferred();
    const first = queue.run('k', async () => {
      order.push('first:start');
      await gate.promise;
      order.push('first:end');
    });
    const second = queue.run('k', async () => {
      order.push('second');
    });
    await Promise.resolve();
    expect(order).toEqual(['first:start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(['first:start', 'first:end', 'second']);
  });

  it('runs operations of different keys side by side', async () => {
    const queue = createKeyedQueue();
    const gate = deferred();
    const blocked = queue.run('a', () => gate.promise);
    expect(await queue.run('b', async () => 'b done')).toBe('b done');
    gate.resolve();
    await blocked;
  });

  it('runs the next operation after one that failed, and hands each caller its own outcome', async () => {
    const queue = createKeyedQueue();
    const failed = queue.run('k', async () => {
      throw new Error('boom');
    });
    const next = queue.run('k', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('ok');
  });

  it('turns a synchronous throw into a rejection', async () => {
    const queue = createKeyedQueue();
    await expect(queue.run('k', () => { throw new Error('sync'); })).rejects.toThrow('sync');
  });

  it('is busy for a key while an operation is queued, and idle once all settled', async () => {
    const queue = createKeyedQueue();
    const gate = deferred();
    const running = queue.run('k', () => gate.promise);
    expect(queue.isBusy('k')).toBe(true);
    expect(queue.isBusy('other')).toBe(false);
    gate.resolve();
    await running;
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.isBusy('k')).toBe(false);
  });
});
