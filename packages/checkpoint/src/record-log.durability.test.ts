import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appendFile, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { useRecLogBed } from '../../../test/support/rec-log.ts';

// The log's ports to the kernel pass through to node:fs; each fdatasync is counted, and a test
// can make writes or the listing of the dir fail.
const ports = vi.hoisted(() => ({
  syncs: 0,
  syncsAtOpen: 0,
  failWrite: undefined as Error | undefined,
  failReaddir: undefined as Error | undefined,
  /** Reads and the compaction's writes move at most this many bytes a call (the kernel may return short counts). */
  shortIo: undefined as number | undefined,
  /** Reads at or past this position find the end of the file (it was cut short meanwhile). */
  endAt: undefined as number | undefined,
  failCompactionWrite: undefined as Error | undefined,
}));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    writeSync: (...args: Parameters<typeof fs.writeSync>): number => {
      if (ports.failWrite) throw ports.failWrite;
      return fs.writeSync(...args);
    },
    fdatasync: (fd: number, callback: (error: Error | null) => void): void => {
      ports.syncs += 1;
      fs.fdatasync(fd, callback);
    },
    fdatasyncSync: (fd: number): void => {
      ports.syncsAtOpen += 1;
      fs.fdatasyncSync(fd);
    },
    readSync: (fd: number, buffer: Buffer, offset: number, length: number, position: number): number => {
      if (ports.endAt !== undefined && position >= ports.endAt) return 0;
      return fs.readSync(fd, buffer, offset, Math.min(length, ports.shortIo ?? length), position);
    },
    // Keeps node's own promisify shape ({ bytesWritten, buffer }).
    write: Object.assign(
      (fd: number, buffer: Buffer, offset: number, length: number, callback: (error: Error | null, written?: number, buffer?: Buffer) => void): void => {
        if (ports.failCompactionWrite) return void setImmediate(() => callback(ports.failCompactionWrite!));
        fs.write(fd, buffer, offset, Math.min(length, ports.shortIo ?? length), null, callback);
      },
      Object.fromEntries(Object.getOwnPropertySymbols(fs.write).map((symbol) => [symbol, (fs.write as unknown as Record<symbol, unknown>)[symbol]])),
    ),
  };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fsp,
    readdir: (...args: Parameters<typeof fsp.readdir>) => (ports.failReaddir ? Promise.reject(ports.failReaddir) : fsp.readdir(...args)),
  };
});

let file: string;
const bed = useRecLogBed('multinet-logsync-');
const { problems, openLog, errorOf } = bed;
const eio = (): Error => Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });

beforeEach(() => {
  file = join(bed.logDir, 'records-1.log');
  Object.assign(ports, { syncs: 0, syncsAtOpen: 0, failWrite: undefined, failReaddir: undefined, shortIo: undefined, endAt: undefined, failCompactionWrite: undefined });
});
afterEach(() => {
  Object.assign(ports, { failWrite: undefined, shortIo: undefined, endAt: undefined, failCompactionWrite: undefined });
});

describe('a record log, durability', () => {
  it('syncs each durable write and remove under power-loss', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    expect(ports.syncs).toBe(1);
    await log.write('a', { id: 'a', n: 2 }, { durable: true });
    await log.remove('a');
    expect(ports.syncs).toBe(3);
  });

  it('does not sync a write or remove that is not asked to be durable', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 }, { durable: false });
    await log.remove('a', { durable: false });
    expect(ports.syncs).toBe(0);
    expect(log.keys()).toEqual([]);
  });

  it('never syncs a write or remove under process-crash durability', async () => {
    const log = await openLog({ durability: 'process-crash' });
    await log.write('a', { id: 'a', n: 1 }, { durable: true });
    await log.remove('a');
    expect(ports.syncs).toBe(0);
  });

  it('syncs the removal of a bad entry under power-loss', async () => {
    const log = await openLog({ durability: 'process-crash' });
    await log.write('a', { id: 'other', n: 1 });
    await log.close();
    const again = await openLog();
    const before = (await stat(file)).size;
    expect((await errorOf(again.read('a'))).code).toBe('RECORD_INVALID');
    expect(ports.syncs).toBe(1);
    expect((await stat(file)).size).toBeGreaterThan(before);
  });

  it('syncs the file a compaction writes before it uses it', async () => {
    const log = await openLog({ durability: 'process-crash' });
    await log.write('a', { id: 'a', n: 1 });
    await log.compact();
    expect(ports.syncs).toBe(1);
  });

  it('leaves a clean log alone at open, and cuts and syncs a torn one', async () => {
    const log = await openLog({ durability: 'process-crash' });
    await log.write('a', { id: 'a', n: 1 });
    await log.close();
    const good = await readFile(file);
    await openLog();
    expect(ports.syncsAtOpen).toBe(0);
    await appendFile(file, Buffer.from([9, 0, 0]));
    await openLog();
    expect(ports.syncsAtOpen).toBe(1);
    expect(await readFile(file)).toEqual(good);
  });
});

describe('a record log, failing appends', () => {
  it('fails a write with WRITE_FAILED, and its key keeps what the file holds', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    const stats = log.stats();
    const failure = eio();
    ports.failWrite = failure;
    const error = await errorOf(log.write('a', { id: 'a', n: 2 }));
    expect(error).toMatchObject({ code: 'WRITE_FAILED', message: `cannot append the record of a to ${file}: EIO: i/o error, write`, details: { file, key: 'a' } });
    expect(error.cause).toBe(failure);
    const fresh = await errorOf(log.write('b', { id: 'b', n: 1 }));
    expect(fresh.code).toBe('WRITE_FAILED');
    ports.failWrite = undefined;
    expect(await log.read('a')).toEqual({ id: 'a', n: 1 });
    expect(log.has('b')).toBe(false);
    expect(log.stats()).toEqual(stats);
    await log.write('c', { id: 'c', n: 3 });
    await log.close();
    expect((await (await openLog()).list()).records.map((r) => r.value)).toEqual([{ id: 'a', n: 1 }, { id: 'c', n: 3 }]);
  });

  it('fails a remove with REMOVE_FAILED, and the key keeps its record', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    const stats = log.stats();
    const failure = eio();
    ports.failWrite = failure;
    const error = await errorOf(log.remove('a'));
    expect(error).toMatchObject({ code: 'REMOVE_FAILED', message: `cannot append the removal of a to ${file}: EIO: i/o error, write`, details: { file, key: 'a' } });
    expect(error.cause).toBe(failure);
    ports.failWrite = undefined;
    expect(log.has('a')).toBe(true);
    expect(log.stats()).toEqual(stats);
    expect(await log.read('a')).toEqual({ id: 'a', n: 1 });
  });

  it('keeps a later write of a key when an earlier one fails', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    ports.failWrite = eio();
    const failed = errorOf(log.write('a', { id: 'a', n: 2 }));
    ports.failWrite = undefined;
    const later = log.write('a', { id: 'a', n: 3 });
    expect((await failed).code).toBe('WRITE_FAILED');
    await later;
    expect(await log.read('a')).toEqual({ id: 'a', n: 3 });
  });

  it('keeps a later write of a key when an earlier removal of it fails', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    ports.failWrite = eio();
    const failed = errorOf(log.remove('a'));
    ports.failWrite = undefined;
    const later = log.write('a', { id: 'a', n: 3 });
    expect((await failed).code).toBe('REMOVE_FAILED');
    await later;
    expect(await log.read('a')).toEqual({ id: 'a', n: 3 });
  });
  it('keeps what the file holds for a key when two writes of it fail in a row', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    ports.failWrite = eio();
    const failures = await Promise.all([errorOf(log.write('a', { id: 'a', n: 2 })), errorOf(log.write('a', { id: 'a', n: 3 }))]);
    ports.failWrite = undefined;
    expect(failures.map((e) => e.code)).toEqual(['WRITE_FAILED', 'WRITE_FAILED']);
    expect(await log.read('a')).toEqual({ id: 'a', n: 1 });
  });

  it('keeps what the file holds for a key when a write and a removal of it fail in a row', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    ports.failWrite = eio();
    const failures = await Promise.all([errorOf(log.write('a', { id: 'a', n: 2 })), errorOf(log.remove('a'))]);
    ports.failWrite = undefined;
    expect(failures.map((e) => e.code)).toEqual(['WRITE_FAILED', 'REMOVE_FAILED']);
    expect(await log.read('a')).toEqual({ id: 'a', n: 1 });
  });

  it('keeps what the file holds for a key when a removal and a write of it fail in a row', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    ports.failWrite = eio();
    const failures = await Promise.all([errorOf(log.remove('a')), errorOf(log.write('a', { id: 'a', n: 2 }))]);
    ports.failWrite = undefined;
    expect(failures.map((e) => e.code)).toEqual(['REMOVE_FAILED', 'WRITE_FAILED']);
    expect(await log.read('a')).toEqual({ id: 'a', n: 1 });
  });
  it('keeps the compacted entry of a key when a write of it queued behind the compaction fails', async () => {
    const log = await openLog({ durability: 'process-crash' });
    await log.write('a', { id: 'a', n: 1 });
    await log.write('b', { id: 'b', n: 1 });
    await log.write('a', { id: 'a', n: 2 });
    await log.close();
    const again = await openLog({ durability: 'process-crash' });
    ports.failWrite = eio();
    const compacted = again.compact();
    const failed = errorOf(again.write('a', { id: 'a', n: 3 }));
    await compacted;
    expect((await failed).code).toBe('WRITE_FAILED');
    ports.failWrite = undefined;
    expect(await again.read('a')).toEqual({ id: 'a', n: 2 });
    expect(await again.read('b')).toEqual({ id: 'b', n: 1 });
  });
});

describe('a record log, an unreadable dir', () => {
  it('fails to open with DIR_UNAVAILABLE when its dir cannot be listed', async () => {
    const failure = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    ports.failReaddir = failure;
    const error = await errorOf(openLog());
    expect(error).toMatchObject({ code: 'DIR_UNAVAILABLE', message: `cannot list record log dir ${bed.logDir}: EACCES: permission denied`, details: { file: bed.logDir } });
    expect(error.cause).toBe(failure);
  });
});

describe('a record log, short reads and writes', () => {
  const openFds = async (): Promise<number> => (await readdir('/proc/self/fd')).length;

  it('replays, reads and compacts whole entries when the kernel moves a few bytes a call', async () => {
    const log = await openLog({ durability: 'process-crash' });
    await log.write('a', { id: 'a', n: 1 });
    await log.write('b', { id: 'b', n: 2 });
    await log.remove('a');
    await log.write('c', { id: 'c', n: 3 });
    await log.close();
    ports.shortIo = 5;
    const again = await openLog({ durability: 'process-crash' });
    expect(again.keys()).toEqual(['b', 'c']);
    expect(await again.read('c')).toEqual({ id: 'c', n: 3 });
    await again.compact();
    await again.close();
    ports.shortIo = undefined;
    expect(await readdir(bed.logDir)).toEqual(['records-2.log']);
    expect((await (await openLog()).list()).records.map((r) => r.value)).toEqual([{ id: 'b', n: 2 }, { id: 'c', n: 3 }]);
    expect(problems).toEqual([]);
  });

  it('keeps the entries before the point where its file ends early while replaying', async () => {
    const log = await openLog({ durability: 'process-crash' });
    await log.write('a', { id: 'a', n: 1 });
    const one = log.stats().fileBytes;
    await log.write('b', { id: 'b', n: 2 });
    await log.close();
    ports.shortIo = 4;
    ports.endAt = one + 6;
    const again = await openLog({ durability: 'process-crash' });
    ports.shortIo = undefined;
    ports.endAt = undefined;
    expect(again.keys()).toEqual(['a']);
    expect((await stat(file)).size).toBe(one);
  });

  it('closes and removes the temp file of a compaction whose write fails, leaving no descriptor open', async () => {
    const log = await openLog({ durability: 'process-crash' });
    await log.write('a', { id: 'a', n: 1 });
    const before = await openFds();
    ports.failCompactionWrite = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const error = await errorOf(log.compact());
    ports.failCompactionWrite = undefined;
    expect(error).toMatchObject({ code: 'WRITE_FAILED', message: `cannot compact record log ${file}: ENOSPC: no space left on device, write` });
    expect(await openFds()).toBe(before);
    expect(await readdir(bed.logDir)).toEqual(['records-1.log']);
    expect(await log.read('a')).toEqual({ id: 'a', n: 1 });
  });

  it('closes its file on close, leaving no descriptor open', async () => {
    const before = await openFds();
    const log = await openLog({ durability: 'process-crash' });
    await log.write('a', { id: 'a', n: 1 });
    await log.compact();
    expect(await openFds()).toBe(before + 1);
    await log.close();
    expect(await openFds()).toBe(before);
  });
});
