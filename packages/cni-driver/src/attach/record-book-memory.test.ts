import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '../internal/logger.ts';
import { openRecordBook, type RecordBook } from './record-book.ts';
import { readyPodRecord as podRecord } from '../../../../test/support/pod-records.ts';


describe('the record book holds only live sandboxes in memory', () => {
  let dir: string;
  let book: RecordBook;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-record-book-'));
    book = await openRecordBook(dir, SILENT_LOGGER, { durability: 'process-crash' });
  });
  afterEach(async () => {
    await book.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a removed sandbox leaves memory, a live one stays, and reads of unknown sandboxes add nothing', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `sb${i}`);
    for (const id of ids) await book.write(podRecord(id));
    expect(book.heldInMemory).toBe(ids.length);
    for (const id of ids.slice(1)) await book.remove(id);
    for (let i = 0; i < 25; i++) expect(await book.read(`never-seen-${i}`)).toBeUndefined();
    expect(book.heldInMemory).toBe(1);
    expect((await book.read('sb0'))?.sandboxId).toBe('sb0');
    expect(await book.read('sb7')).toBeUndefined();
  });

  it('a record on disk that was not in memory is read from the log once and then held', async () => {
    await book.write(podRecord('sb-disk'));
    await book.close();
    book = await openRecordBook(dir, SILENT_LOGGER, { durability: 'process-crash' });
    expect(book.heldInMemory).toBe(0);
    expect((await book.read('sb-disk'))?.pod.name).toBe('sb-disk');
    expect(book.heldInMemory).toBe(1);
  });
});
