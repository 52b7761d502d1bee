import { describe, expect, it } from 'vitest';
import { createKeyedMutex, createReadWriteLock, createSemaphore } from './concurrency.ts';

/** A promise the test settles by hand. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every callback already queued run (promise jobs and the turn's I/O callbacks). */
const drain = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A task that logs its start, then waits for the test to finish it. */
function gate(log: string[], name: string) {
  const done = deferred<string>();
  return {
    task: async () => {
      log.push(name);
      return done.promise;
    },
    finish: () => done.resolve(name),
    fail: (error: unknown) => done.reject(error),
  };
}

describe('createKeyedMutex', () => {
  it('runs the tasks of one key one after the other, in call order', async () => {
    const mutex = createKeyedMutex();
    const started: string[] = [];
    const a = gate(started, 'a');
    const b = gate(started, 'b');
    const ra = mutex.run('pod', a.task);
    const rb = mutex.run('pod', b.task);
    await drain();
    expect(started).toEqual(['a']);
    a.finish();
    await expect(ra).resolves.toBe('a');
    await drain();
    expect(started).toEqual(['a', 'b']);
    b.finish();
    await expect(rb).resolves.toBe('b');
  });

  it('runs tasks of different keys at once', async () => {
    const mutex = createKeyedMutex();
    const started: string[] = [];
    const a = gate(started, 'a');
    const b = gate(started, 'b');
    const ra = mutex.run('pod-a', a.task);
    const rb = mutex.run('pod-b', b.task);
    await drain();
    expect(started).toEqual(['a', 'b']);
    a.finish();
    b.finish();
    await expect(Promise.all([ra, rb])).resolves.toEqual(['a', 'b']);
  });

  it('hands a task\'s failure to its caller and still runs the next task of the key', async () => {
    const mutex = createKeyedMutex();
    const started: string[] = [];
    const a = gate(started, 'a');
    const ra = mutex.run('pod', a.task);
    const rb = mutex.run('pod', async () => 'b');
    a.fail(new Error('a broke'));
    await expect(ra).rejects.toThrow('a broke');
    await expect(rb).resolves.toBe('b');
  });

  it('keeps a key serialized when a task is queued behind one still running after an earlier one ended', async () => {
    const mutex = createKeyedMutex();
    const started: string[] = [];
    const a = gate(started, 'a');
    const b = gate(started, 'b');
    const c = gate(started, 'c');
    const ra = mutex.run('pod', a.task);
    const rb = mutex.run('pod', b.task);
    a.finish();
    await ra;
    await drain();
    expect(started).toEqual(['a', 'b']);
    const rc = mutex.run('pod', c.task);
    await drain();
    expect(started).toEqual(['a', 'b']);
    b.finish();
    await rb;
    await drain();
    expect(started).toEqual(['a', 'b', 'c']);
    c.finish();
    await expect(rc).resolves.toBe('c');
  });

  it('runs a task at once on a key whose earlier tasks have all ended', async () => {
    const mutex = createKeyedMutex();
    await mutex.run('pod', async () => 'first');
    const started: string[] = [];
    const b = gate(started, 'b');
    const rb = mutex.run('pod', b.task);
    await drain();
    expect(started).toEqual(['b']);
    b.finish();
    await rb;
  });
});

describe('createSemaphore', () => {
  it('runs at most `limit` tasks at once and starts a waiting one when a slot frees', async () => {
    const semaphore = createSemaphore(2);
    const started: string[] = [];
    const [a, b, c] = [gate(started, 'a'), gate(started, 'b'), gate(started, 'c')];
    const runs = [semaphore.run(a.task), semaphore.run(b.task), semaphore.run(c.task)];
    await drain();
    expect(started).toEqual(['a', 'b']);
    b.finish();
    await drain();
    expect(started).toEqual(['a', 'b', 'c']);
    a.finish();
    c.finish();
    await expect(Promise.all(runs)).resolves.toEqual(['a', 'b', 'c']);
  });

  it('lets the waiting tasks in first come, first served', async () => {
    const semaphore = createSemaphore(1);
    const started: string[] = [];
    const [a, b, c] = [gate(started, 'a'), gate(started, 'b'), gate(started, 'c')];
    const runs = [semaphore.run(a.task), semaphore.run(b.task), semaphore.run(c.task)];
    await drain();
    expect(started).toEqual(['a']);
    a.finish();
    await drain();
    expect(started).toEqual(['a', 'b']);
    b.finish();
    await drain();
    expect(started).toEqual(['a', 'b', 'c']);
    c.finish();
    await Promise.all(runs);
  });

  it('frees the slot of a failed task, and hands its failure to the caller', async () => {
    const semaphore = createSemaphore(1);
    await expect(semaphore.run(async () => Promise.reject(new Error('broke')))).rejects.toThrow('broke');
    const started: string[] = [];
    const a = gate(started, 'a');
    const b = gate(started, 'b');
    const runs = [semaphore.run(a.task), semaphore.run(b.task)];
    await drain();
    expect(started).toEqual(['a']);
    a.finish();
    b.finish();
    await expect(Promise.all(runs)).resolves.toEqual(['a', 'b']);
  });

  it('keeps the limit after slots were freed and taken again many times', async () => {
    const semaphore = createSemaphore(2);
    for (let i = 0; i < 3; i++) await Promise.all([semaphore.run(async () => i), semaphore.run(async () => i)]);
    const started: string[] = [];
    const [a, b, c] = [gate(started, 'a'), gate(started, 'b'), gate(started, 'c')];
    const runs = [semaphore.run(a.task), semaphore.run(b.task), semaphore.run(c.task)];
    await drain();
    expect(started).toEqual(['a', 'b']);
    a.finish();
    b.finish();
    c.finish();
    await Promise.all(runs);
  });
});

describe('createReadWriteLock', () => {
  it('runs shared sections at once', async () => {
    const lock = createReadWriteLock();
    const started: string[] = [];
    const a = gate(started, 'a');
    const b = gate(started, 'b');
    const runs = [lock.shared(a.task), lock.shared(b.task)];
    await drain();
    expect(started).toEqual(['a', 'b']);
    a.finish();
    b.finish();
    await expect(Promise.all(runs)).resolves.toEqual(['a', 'b']);
  });

  it('starts an exclusive section only once every shared one has ended', async () => {
    const lock = createReadWriteLock();
    const started: string[] = [];
    const [a, b, x] = [gate(started, 'a'), gate(started, 'b'), gate(started, 'x')];
    const runs = [lock.shared(a.task), lock.shared(b.task), lock.exclusive(x.task)];
    await drain();
    expect(started).toEqual(['a', 'b']);
    a.finish();
    await drain();
    expect(started).toEqual(['a', 'b']);
    b.finish();
    await drain();
    expect(started).toEqual(['a', 'b', 'x']);
    x.finish();
    await expect(Promise.all(runs)).resolves.toEqual(['a', 'b', 'x']);
  });

  it('holds shared sections back while an exclusive one runs, and runs them after it', async () => {
    const lock = createReadWriteLock();
    const started: string[] = [];
    const [x, a, b] = [gate(started, 'x'), gate(started, 'a'), gate(started, 'b')];
    const runs = [lock.exclusive(x.task), lock.shared(a.task), lock.shared(b.task)];
    await drain();
    expect(started).toEqual(['x']);
    x.finish();
    await drain();
    expect(started).toEqual(['x', 'a', 'b']);
    a.finish();
    b.finish();
    await Promise.all(runs);
  });

  it('runs one exclusive section at a time', async () => {
    const lock = createReadWriteLock();
    const started: string[] = [];
    const [x, y] = [gate(started, 'x'), gate(started, 'y')];
    const runs = [lock.exclusive(x.task), lock.exclusive(y.task)];
    await drain();
    expect(started).toEqual(['x']);
    x.finish();
    await drain();
    expect(started).toEqual(['x', 'y']);
    y.finish();
    await Promise.all(runs);
  });

  it('prefers a waiting exclusive section to shared ones asked for after it', async () => {
    const lock = createReadWriteLock();
    const started: string[] = [];
    const [a, x, b] = [gate(started, 'a'), gate(started, 'x'), gate(started, 'b')];
    const ra = lock.shared(a.task);
    const rx = lock.exclusive(x.task);
    const rb = lock.shared(b.task);
    await drain();
    expect(started).toEqual(['a']);
    a.finish();
    await drain();
    expect(started).toEqual(['a', 'x']);
    x.finish();
    await drain();
    expect(started).toEqual(['a', 'x', 'b']);
    b.finish();
    await expect(Promise.all([ra, rx, rb])).resolves.toEqual(['a', 'x', 'b']);
  });

  it('lets go of a failed section of either kind, handing the failure to its caller', async () => {
    const lock = createReadWriteLock();
    await expect(lock.exclusive(async () => Promise.reject(new Error('gc broke')))).rejects.toThrow('gc broke');
    await expect(lock.shared(async () => Promise.reject(new Error('pod broke')))).rejects.toThrow('pod broke');
    const started: string[] = [];
    const x = gate(started, 'x');
    const rx = lock.exclusive(x.task);
    await drain();
    expect(started).toEqual(['x']);
    x.finish();
    await rx;
    await expect(lock.shared(async () => 'after')).resolves.toBe('after');
  });
});
