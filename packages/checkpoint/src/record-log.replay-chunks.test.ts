import { beforeEach, describe, expect, it, vi } from 'vitest';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { useRecLogBed } from '../../../test/support/rec-log.ts';

// A restart replays the log in chunks, so that it never holds the whole file in memory: every
// readSync is recorded (its length and position) while `record` is set.
const ports = vi.hoisted(() => ({ record: false, reads: [] as Array<{ length: number; position: number }> }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    readSync: (fd: number, buffer: Buffer, offset: number, length: number, position: number): number => {
      if (ports.record) ports.reads.push({ length, position });
      return fs.readSync(fd, buffer, offset, length, position);
    },
  };
});

const MIB = 1 << 20;
const bed = useRecLogBed('multinet-logchunks-');

beforeEach(() => {
  Object.assign(ports, { record: false, reads: [] });
});

describe('a record log, replay at open', () => {
  it('reads a log of more than 2 MiB back once, in ceil(size / 1 MiB) reads of at most 1 MiB that ask for no byte past its end, and loses no record', async () => {
    const log = await bed.openLog({ durability: 'process-crash', compactAtBytes: 64 * MIB });
    const keys = Array.from({ length: 30_000 }, (_, i) => `key-${String(i).padStart(6, '0')}-${'p'.repeat(40)}`);
    for (let i = 0; i < keys.length; i += 1000) await Promise.all(keys.slice(i, i + 1000).map((id, j) => log.write(id, { id, n: i + j })));
    await log.close();
    const size = (await stat(join(bed.logDir, 'records-1.log'))).size;
    expect(size).toBeGreaterThan(2 * MIB);

    ports.record = true;
    const reopened = await bed.openLog({ durability: 'process-crash', compactAtBytes: 64 * MIB });
    ports.record = false;
    expect(ports.reads.length).toBe(Math.ceil(size / MIB));
    expect(Math.max(...ports.reads.map((r) => r.length))).toBe(MIB);
    expect(ports.reads.every((r) => r.position + r.length <= size)).toBe(true);
    expect(ports.reads.reduce((sum, r) => sum + r.length, 0)).toBe(size);
    expect(reopened.keys()).toEqual(keys);
    expect(await reopened.read(keys[12_345]!)).toEqual({ id: keys[12_345], n: 12_345 });
    expect(bed.problems).toEqual([]);
  });
});
