import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogAppender } from './log-appender.ts';

// The appender's ports to the kernel (writeSync, fdatasync, ftruncate) pass through to node:fs
// unless a test makes one of them fail; every call is recorded.
const ports = vi.hoisted(() => ({
  writes: [] as number[],
  syncs: 0,
  truncates: [] as number[],
  failWrite: undefined as ((written: number) => Error | undefined) | undefined,
  failSync: undefined as Error | undefined,
  failTruncate: undefined as Error | undefined,
  /** Writes take at most this many bytes a call (the kernel may write less than asked). */
  shortWrites: undefined as number | undefined,
}));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    writeSync: (fd: number, buffer: Buffer, offset: number, length: number): number => {
      const error = ports.failWrite?.(length);
      if (error) {
        fs.writeSync(fd, buffer, offset, Math.min(3, length)); // a write cut short by the failure
        throw error;
      }
      ports.writes.push(length);
      return fs.writeSync(fd, buffer, offset, Math.min(length, ports.shortWrites ?? length));
    },
    fdatasync: (fd: number, callback: (error: Error | null) => void): void => {
      ports.syncs += 1;
      if (ports.failSync) setImmediate(() => callback(ports.failSync!));
      else fs.fdatasync(fd, callback);
    },
    ftruncate: (fd: number, length: number, callback: (error: Error | null) => void): void => {
      ports.truncates.push(length);
      if (ports.failTruncate) setImmediate(() => callback(ports.failTruncate!));
      else fs.ftruncate(fd, length, callback);
    },
  };
});

let dir: string;
let file: string;
let fd: number;
const fds: number[] = [];
const openFile = (name: string): number => {
  const opened = openSync(join(dir, name), 'a+', 0o600);
  fds.push(opened);
  return opened;
};
const bytes = (text: string): Buffer => Buffer.from(text);
const content = (path = file): string => readFileSync(path, 'utf8');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-appender-'));
  file = join(dir, 'log');
  fd = openFile('log');
  Object.assign(ports, { writes: [], syncs: 0, truncates: [], failWrite: undefined, failSync: undefined, failTruncate: undefined, shortWrites: undefined });
});
afterEach(async () => {
  for (const opened of fds.splice(0)) closeSync(opened);
  await rm(dir, { recursive: true, force: true });
});

describe('the log appender', () => {
  it('appends frames in call order and counts the bytes in the file', async () => {
    const appender = createLogAppender(fd, 0);
    await Promise.all([appender.append(bytes('aa'), false), appender.append(bytes('bbb'), false), appender.append(bytes('c'), false)]);
    expect(content()).toBe('aabbbc');
    expect(appender.size).toBe(6);
  });

  it('writes a batch whole when the kernel takes a few bytes a call', async () => {
    const appender = createLogAppender(fd, 0);
    ports.shortWrites = 3;
    await Promise.all([appender.append(bytes('0123456789'), false), appender.append(bytes('abcdefg'), false)]);
    expect(content()).toBe('0123456789abcdefg');
    expect(appender.size).toBe(17);
  });

  it('starts counting at the size it is given', async () => {
    const appender = createLogAppender(fd, 100);
    await appender.append(bytes('abc'), false);
    expect(appender.size).toBe(103);
  });

  it('groups the frames that arrive during a synced write into one write with one fdatasync', async () => {
    const appender = createLogAppender(fd, 0);
    await Promise.all([appender.append(bytes('a'), true), appender.append(bytes('bb'), false), appender.append(bytes('ccc'), true), appender.append(bytes('d'), false)]);
    expect(content()).toBe('abbcccd');
    expect(ports.writes).toEqual([1, 6]);
    expect(ports.syncs).toBe(2);
  });

  it('syncs a batch when any of its frames asks, and never when none does', async () => {
    const appender = createLogAppender(fd, 0);
    await appender.append(bytes('a'), false);
    expect(ports.syncs).toBe(0);
    await Promise.all([appender.append(bytes('b'), true), appender.append(bytes('c'), false), appender.append(bytes('d'), true)]);
    expect(ports.syncs).toBe(2);
    expect(content()).toBe('abcd');
  });

  it('writes an append made as soon as a synced append resolves', async () => {
    const appender = createLogAppender(fd, 0);
    await appender.append(bytes('a'), true);
    await appender.append(bytes('b'), true);
    await appender.append(bytes('c'), false);
    expect(content()).toBe('abc');
  });

  it('fails the whole batch of a failed write, cuts the half-written bytes off, and keeps appending after', async () => {
    const appender = createLogAppender(fd, 0);
    await appender.append(bytes('good'), false);
    const failure = Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    ports.failWrite = () => failure;
    const first = appender.append(bytes('lost-1'), true);
    const second = appender.append(bytes('lost-2'), true);
    await expect(first).rejects.toBe(failure);
    await expect(second).rejects.toBe(failure);
    expect(ports.truncates.every((length) => length === 4)).toBe(true);
    expect(content()).toBe('good');
    expect(appender.size).toBe(4);
    ports.failWrite = undefined;
    await appender.append(bytes('next'), false);
    expect(content()).toBe('goodnext');
    expect(appender.size).toBe(8);
  });

  it('cuts a written batch back off when its fdatasync fails', async () => {
    const appender = createLogAppender(fd, 0);
    await appender.append(bytes('kept'), true);
    ports.failSync = new Error('EIO: fdatasync failed');
    await expect(appender.append(bytes('unsynced'), true)).rejects.toThrow('EIO: fdatasync failed');
    expect(content()).toBe('kept');
    expect(appender.size).toBe(4);
    ports.failSync = undefined;
    await appender.append(bytes('+'), true);
    expect(content()).toBe('kept+');
  });

  it('refuses every later append once a failed write cannot be cut back, naming why', async () => {
    const appender = createLogAppender(fd, 0);
    ports.failSync = new Error('EIO: fdatasync failed');
    ports.failTruncate = new Error('EROFS: read-only file system');
    await expect(appender.append(bytes('a'), true)).rejects.toThrow('EIO: fdatasync failed');
    ports.failSync = undefined;
    ports.failTruncate = undefined;
    const writesBefore = ports.writes.length;
    const error = (await appender.append(bytes('b'), false).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('the record log cannot be cut back after a failed write: EROFS: read-only file system');
    expect((error.cause as Error).message).toBe('EROFS: read-only file system');
    expect(ports.writes.length).toBe(writesBefore);
  });

  it('runs an exclusive task only after the batch under way, and defers appends made meanwhile until it ends', async () => {
    const appender = createLogAppender(fd, 0);
    const before = appender.append(bytes('a'), true);
    let during: Promise<void> | undefined;
    const seen = await appender.exclusive(async () => {
      const sizeAtStart = appender.size;
      during = appender.append(bytes('b'), false);
      await new Promise((resolve) => setImmediate(resolve));
      return { sizeAtStart, contentInTask: content() };
    });
    expect(seen).toEqual({ sizeAtStart: 1, contentInTask: 'a' });
    await before;
    await during;
    expect(content()).toBe('ab');
  });

  it('passes on the error of an exclusive task, and appends still go out after it', async () => {
    const appender = createLogAppender(fd, 0);
    const pending: Array<Promise<void>> = [];
    await expect(
      appender.exclusive(async () => {
        pending.push(appender.append(bytes('x'), false));
        throw new Error('task failed');
      }),
    ).rejects.toThrow('task failed');
    await Promise.all(pending);
    await appender.append(bytes('y'), false);
    expect(content()).toBe('xy');
  });

  it('runs exclusive tasks one at a time', async () => {
    const appender = createLogAppender(fd, 0);
    const order: string[] = [];
    const task = (name: string) => async (): Promise<void> => {
      order.push(`${name} start`);
      await new Promise((resolve) => setImmediate(resolve));
      order.push(`${name} end`);
    };
    await Promise.all([appender.exclusive(task('one')), appender.exclusive(task('two'))]);
    expect(order).toEqual(['one start', 'one end', 'two start', 'two end']);
  });

  it('appends to the file it is switched to, counting from its size', async () => {
    const appender = createLogAppender(fd, 0);
    await appender.append(bytes('old'), false);
    const other = openFile('other');
    await appender.exclusive(async () => appender.switchTo(other, 10));
    await appender.append(bytes('new'), false);
    expect(content()).toBe('old');
    expect(content(join(dir, 'other'))).toBe('new');
    expect(appender.size).toBe(13);
  });
});
