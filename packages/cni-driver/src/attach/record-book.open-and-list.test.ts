/**
 * The record book: what opening it does to `<stateDir>/pods` (the record files of an earlier
 * version), and what a list that finds a bad record leaves in memory.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SILENT_LOGGER } from '../internal/logger.ts';
import { openRecordBook } from './record-book.ts';
import { readyPodRecord as record } from '../../../../test/support/pod-records.ts';


let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'multinet-record-book-open-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe('opening a record book, as for the record files of an earlier version', () => {
  it('creates no pods dir in a fresh state dir (there is nothing to move)', async () => {
    const book = await openRecordBook(stateDir, SILENT_LOGGER, { durability: 'process-crash' });
    await book.close();
    expect(await readdir(stateDir)).not.toContain('pods');
  });

  it('leaves alone a pods dir that holds no .json record file, even one whose mode a record store would refuse', async () => {
    const pods = join(stateDir, 'pods');
    await mkdir(pods);
    await chmod(pods, 0o777);
    await writeFile(join(pods, 'notes.txt'), 'x');
    const book = await openRecordBook(stateDir, SILENT_LOGGER, { durability: 'process-crash' });
    await expect(book.list()).resolves.toEqual({ records: [], problems: [] });
    await book.close();
    expect(await readdir(pods)).toEqual(['notes.txt']);
    expect((await stat(pods)).mode & 0o777).toBe(0o777);
  });
});

describe('listing the records of an open book', () => {
  it('drops from memory a record the list finds bad (quarantined), so that it is no longer held or read', async () => {
    const book = await openRecordBook(stateDir, SILENT_LOGGER, { durability: 'process-crash' });
    await book.write(record('sb1'));
    await book.write(record('sb2', { netns: 'relative/path' }));
    expect(book.heldInMemory).toBe(2);
    const { records, problems } = await book.list();
    expect(records).toEqual([record('sb1')]);
    expect(problems.map((p) => p.details.key)).toEqual(['sb2']);
    expect(book.heldInMemory).toBe(1);
    await expect(book.read('sb2')).resolves.toBeUndefined();
    await book.close();
  });
});
