/**
 * The record book against its log's ports to the kernel: `node:fs` passes through, each
 * `fdatasync` (the log's group commit) is counted, and a test can make every read of the log
 * file find its end (a file cut short under the book) — which no real file does on demand.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckpointStore } from '@multinet/checkpoint';
import { SILENT_LOGGER } from '../internal/logger.ts';
import { openRecordBook } from './record-book.ts';
import { readyPodRecord } from '../../../../test/support/pod-records.ts';
import { parsePodRecord, POD_RECORD_KIND, POD_RECORD_VERSION, type AttachmentRecord, type AttachmentState, type PodRecord } from './sandbox-record.ts';

const ports = vi.hoisted(() => ({ syncs: 0, readsFindTheEnd: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fdatasync: (fd: number, callback: (error: Error | null) => void): void => {
      ports.syncs += 1;
      fs.fdatasync(fd, callback);
    },
    readSync: (...args: Parameters<typeof fs.readSync>): number => (ports.readsFindTheEnd ? 0 : fs.readSync(...args)),
  };
});

const attachment = (ifName: string, state: AttachmentState): AttachmentRecord => ({
  network: `net-${ifName}`,
  networkName: 'alpha',
  ifName,
  isDefault: false,
  source: 'conf',
  configText: JSON.stringify({ cniVersion: '1.0.0', name: 'alpha', plugins: [{ type: 'noop' }] }),
  cniVersion: '1.0.0',
  cniArgs: [],
  capabilityArgs: {},
  state,
  delAttempts: 0,
});
const record = (sandboxId: string, ...attachments: AttachmentRecord[]): PodRecord => readyPodRecord(sandboxId, { attachments });

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'multinet-record-book-sync-'));
  Object.assign(ports, { syncs: 0, readsFindTheEnd: false });
});
afterEach(async () => {
  ports.readsFindTheEnd = false;
  await rm(stateDir, { recursive: true, force: true });
});

describe('the record book under power-loss durability, counting the log\'s fdatasyncs', () => {
  it('syncs a write that adds an ADD intent, and not a write or a removal without one', async () => {
    const book = await openRecordBook(stateDir, SILENT_LOGGER, { durability: 'power-loss' });
    await book.write(record('sb1', attachment('net1', 'adding')));
    expect(ports.syncs).toBe(1);
    await book.write(record('sb1', attachment('net1', 'added')));
    expect(ports.syncs).toBe(1);
    await book.write(record('sb2', attachment('net1', 'added')));
    expect(ports.syncs).toBe(1);
    await book.remove('sb1');
    await book.remove('sb2');
    expect(ports.syncs).toBe(1);
    await book.close();
  });

  it('syncs each record it moves from an earlier version\'s record files into the log', async () => {
    const pods = join(stateDir, 'pods');
    const store = await createCheckpointStore({ dir: pods, kind: POD_RECORD_KIND, version: POD_RECORD_VERSION, parse: parsePodRecord });
    await store.write('sb1', record('sb1', attachment('net1', 'added')));
    ports.syncs = 0;
    const book = await openRecordBook(stateDir, SILENT_LOGGER, { durability: 'power-loss' });
    expect(ports.syncs).toBe(1);
    await expect(book.read('sb1')).resolves.toEqual(record('sb1', attachment('net1', 'added')));
    expect((await readdir(pods)).filter((n) => n.endsWith('.json'))).toEqual([]);
    await book.close();
  });
});

describe('the record book when its log file ends before an entry', () => {
  it('rejects a read with the log\'s plain error, not taking the record as absent (only a CheckpointError means quarantined)', async () => {
    const book = await openRecordBook(stateDir, SILENT_LOGGER, { durability: 'process-crash' });
    await book.write(record('sb1', attachment('net1', 'added')));
    await book.close();
    const again = await openRecordBook(stateDir, SILENT_LOGGER, { durability: 'process-crash' });
    ports.readsFindTheEnd = true;
    const error = await again.read('sb1').then(
      () => undefined,
      (e: unknown) => e,
    );
    ports.readsFindTheEnd = false;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^record log .* ends before the entry at \d+$/);
    expect(again.heldInMemory).toBe(0);
    await expect(again.read('sb1')).resolves.toEqual(record('sb1', attachment('net1', 'added')));
    await again.close();
  });
});
