import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckpointStore } from '@multinet/checkpoint';
import type { Logger } from '../internal/logger.ts';
import { hasNewAddIntent, openRecordBook } from './record-book.ts';
import { parsePodRecord, POD_RECORD_KIND, POD_RECORD_VERSION, type AttachmentRecord, type AttachmentState, type PodRecord } from './sandbox-record.ts';

const attachment = (ifName: string, state: AttachmentState): AttachmentRecord => ({
  network: `net-${ifName}`,
  networkName: `net-${ifName}`,
  ifName,
  isDefault: ifName === 'eth0',
  source: 'conf',
  configText: '{}',
  cniVersion: '1.0.0',
  cniArgs: [],
  capabilityArgs: {},
  state,
  delAttempts: 0,
});
const record = (...attachments: AttachmentRecord[]): PodRecord => ({
  sandboxId: 'sb1',
  netns: '/var/run/netns/x',
  pod: { namespace: 'ns', name: 'p', uid: 'u' },
  phase: 'setting-up',
  createdAt: 't',
  updatedAt: 't',
  attachments,
});

describe('which record writes must survive a power loss before they resolve', () => {
  it('a write that starts an ADD (a new adding intent) must', () => {
    expect(hasNewAddIntent(undefined, record(attachment('eth0', 'adding')))).toBe(true);
    expect(hasNewAddIntent(record(attachment('eth0', 'added')), record(attachment('eth0', 'added'), attachment('eth1', 'adding')))).toBe(true);
  });

  it('an ADD made again after its DEL is a new intent again', () => {
    expect(hasNewAddIntent(record(attachment('eth0', 'deleting')), record(attachment('eth0', 'adding')))).toBe(true);
  });

  it('an adding intent already on disk does not need another sync (the results written after it)', () => {
    expect(hasNewAddIntent(record(attachment('eth0', 'adding'), attachment('eth1', 'adding')), record(attachment('eth0', 'added'), attachment('eth1', 'adding')))).toBe(false);
  });

  it('DEL intents and teardown outcomes need not: a power loss takes the namespaces, and the record before them still names every attachment', () => {
    expect(hasNewAddIntent(record(attachment('eth0', 'added'), attachment('eth1', 'added')), record(attachment('eth0', 'deleting'), attachment('eth1', 'deleting')))).toBe(false);
    expect(hasNewAddIntent(record(attachment('eth0', 'deleting')), record(attachment('eth0', 'del-failed')))).toBe(false);
  });

  it('an ADD intent for another interface, or for another network on the same interface, is new', () => {
    expect(hasNewAddIntent(record(attachment('eth0', 'adding')), record(attachment('eth0', 'adding'), attachment('eth1', 'adding')))).toBe(true);
    expect(hasNewAddIntent(record(attachment('eth0', 'adding')), record({ ...attachment('eth0', 'adding'), network: 'other' }))).toBe(true);
  });

  it('a v1 record\'s planned state counts as adding', () => {
    expect(hasNewAddIntent(undefined, record(attachment('eth0', 'planned')))).toBe(true);
  });
});

describe('openRecordBook', () => {
  let stateDir: string;
  let warned: Array<[unknown, string | undefined]>;
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (obj, msg) => void warned.push([obj, msg]),
    error: () => undefined,
    child: () => logger,
  };
  const conf = (name: string): string => JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type: 'noop' }] });
  const good = (sandboxId: string, patch: Partial<PodRecord> = {}): PodRecord => ({
    ...record({ ...attachment('net1', 'added'), networkName: 'alpha', configText: conf('alpha') }),
    sandboxId,
    ...patch,
  });

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'multinet-record-book-'));
    warned = [];
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it('reads back what it wrote, also from a book opened later on the same state dir', async () => {
    const book = await openRecordBook(stateDir, logger);
    await expect(book.read('sb1')).resolves.toBeUndefined();
    await book.write(good('sb1'));
    await expect(book.read('sb1')).resolves.toEqual(good('sb1'));
    await book.close();
    const again = await openRecordBook(stateDir, logger);
    await expect(again.read('sb1')).resolves.toEqual(good('sb1'));
    await expect(again.list()).resolves.toEqual({ records: [good('sb1')], problems: [] });
    await again.close();
    expect(await readdir(join(stateDir, 'records'))).not.toHaveLength(0);
  });

  it('a record that was read, then removed, is absent; so is one only ever written and removed', async () => {
    const book = await openRecordBook(stateDir, logger);
    await book.write(good('sb1'));
    await book.write(good('sb2'));
    await book.close();
    const again = await openRecordBook(stateDir, logger);
    await expect(again.read('sb1')).resolves.toEqual(good('sb1'));
    await again.remove('sb1');
    await expect(again.read('sb1')).resolves.toBeUndefined();
    await again.remove('sb2');
    await expect(again.read('sb2')).resolves.toBeUndefined();
    await expect(again.list()).resolves.toEqual({ records: [], problems: [] });
    await again.close();
    const third = await openRecordBook(stateDir, logger);
    await expect(third.read('sb1')).resolves.toBeUndefined();
    await third.close();
  });

  it('lists every good record; a bad one is quarantined, reported, warned about and then absent', async () => {
    const book = await openRecordBook(stateDir, logger);
    await book.write(good('sb1'));
    await book.write(good('sb2', { netns: 'relative/path' }));
    await book.close();
    const again = await openRecordBook(stateDir, logger);
    const { records, problems } = await again.list();
    expect(records).toEqual([good('sb1')]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.details.key).toBe('sb2');
    expect(warned).toEqual([[{ err: problems[0] }, 'quarantined an unusable pod record']]);
    await expect(again.read('sb2')).resolves.toBeUndefined();
    await expect(again.read('sb1')).resolves.toEqual(good('sb1'));
    await again.close();
  });

  it('reads a bad record as absent, once quarantined', async () => {
    const book = await openRecordBook(stateDir, logger);
    await book.write(good('sb2', { sandboxId: 'sb2', netns: 'relative/path' }));
    await book.close();
    const again = await openRecordBook(stateDir, logger);
    await expect(again.read('sb2')).resolves.toBeUndefined();
    await expect(again.read('sb2')).resolves.toBeUndefined();
    expect(warned).toHaveLength(1);
    await expect(again.list()).resolves.toEqual({ records: [], problems: [] });
    await again.close();
  });

  it('once closed, reads and lists what is on disk, which a new owner may have changed', async () => {
    const book = await openRecordBook(stateDir, logger);
    await book.write(good('sb1'));
    await book.close();
    const owner = await openRecordBook(stateDir, logger);
    await owner.write(good('sb2'));
    await owner.remove('sb1');
    await expect(book.read('sb1')).resolves.toBeUndefined();
    await expect(book.read('sb2')).resolves.toEqual(good('sb2'));
    await expect(book.list()).resolves.toEqual({ records: [good('sb2')], problems: [] });
    await owner.close();
  });

  it('fails a write or a removal the log refuses with RECORD_WRITE_FAILED naming the sandbox, and keeps its memory copy', async () => {
    const book = await openRecordBook(stateDir, logger);
    await book.write(good('sb1'));
    await book.close();
    await expect(book.write(good('sb1', { phase: 'tearing-down' }))).rejects.toMatchObject({
      code: 'RECORD_WRITE_FAILED',
      message: expect.stringMatching(/^cannot write the pod record of sandbox sb1: ./),
      details: expect.objectContaining({ containerId: 'sb1' }),
    });
    await expect(book.remove('sb1')).rejects.toMatchObject({ code: 'RECORD_WRITE_FAILED', message: expect.stringMatching(/^cannot remove the pod record of sandbox sb1: ./) });
    const again = await openRecordBook(stateDir, logger);
    await expect(again.read('sb1')).resolves.toEqual(good('sb1'));
    await again.close();
  });

  it('moves the record files of an earlier version into the log and removes them', async () => {
    const pods = join(stateDir, 'pods');
    const store = await createCheckpointStore({ dir: pods, kind: POD_RECORD_KIND, version: POD_RECORD_VERSION, parse: parsePodRecord });
    await store.write('sb1', good('sb1'));
    await store.write('sb3', good('sb3'));
    const book = await openRecordBook(stateDir, logger);
    await expect(book.list()).resolves.toEqual({ records: [good('sb1'), good('sb3')], problems: [] });
    expect((await readdir(pods)).filter((n) => n.endsWith('.json'))).toEqual([]);
    await book.close();
  });

  it('opens with no earlier record files, and with a pods dir that holds no records', async () => {
    await mkdir(join(stateDir, 'pods'));
    await writeFile(join(stateDir, 'pods', 'notes.txt'), 'x');
    const book = await openRecordBook(stateDir, logger, { durability: 'process-crash' });
    await expect(book.list()).resolves.toEqual({ records: [], problems: [] });
    expect(await readdir(join(stateDir, 'pods'))).toEqual(['notes.txt']);
    await book.close();
  });
});

describe('openRecordBook, more', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'multinet-record-book-more-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });
  const good = (sandboxId: string): PodRecord => ({
    ...record({ ...attachment('net1', 'added'), networkName: 'alpha', configText: JSON.stringify({ cniVersion: '1.0.0', name: 'alpha', plugins: [{ type: 'noop' }] }) }),
    sandboxId,
  });
  const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => silent };

  it('keeps the log\'s error as the cause of RECORD_WRITE_FAILED', async () => {
    const book = await openRecordBook(stateDir, silent);
    await book.close();
    const error = await book.write(good('sb1')).catch((e: unknown) => e);
    expect((error as Error).cause).toMatchObject({ code: expect.any(String) });
  });

  it('moves the earlier version\'s records also when other files sit beside them', async () => {
    const pods = join(stateDir, 'pods');
    const store = await createCheckpointStore({ dir: pods, kind: POD_RECORD_KIND, version: POD_RECORD_VERSION, parse: parsePodRecord });
    await store.write('sb1', good('sb1'));
    await writeFile(join(pods, 'notes.txt'), 'x');
    const book = await openRecordBook(stateDir, silent);
    await expect(book.read('sb1')).resolves.toEqual(good('sb1'));
    await book.close();
  });
});
