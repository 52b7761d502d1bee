import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckpointStore } from './checkpoint-store.ts';

// list() reads each record with one synchronous read outside the key's queue, and redoes
// under the queue (with the async read) only what that read could not settle. The two reads are
// counted here; a record's rename can be held (so a write keeps its key busy), and readdir can
// list names that are not on disk (a file removed between the listing and its read).
const ports = vi.hoisted(() => ({
  syncReads: 0,
  asyncReads: 0,
  phantoms: [] as string[],
  /** Renames wait for this while holdRenames is set (a fresh one for each test). */
  renamesHeld: Promise.resolve(),
  holdRenames: false,
  releaseRenames: undefined as (() => void) | undefined,
  releaseAfterListing: false,
}));
vi.mock('./internal/record-file-io.ts', async (importOriginal) => {
  const io = await importOriginal<typeof import('./internal/record-file-io.ts')>();
  return {
    ...io,
    readRecordFileSync: (file: string): string => {
      ports.syncReads += 1;
      return io.readRecordFileSync(file);
    },
    readRecordFile: (file: string): Promise<string> => {
      ports.asyncReads += 1;
      return io.readRecordFile(file);
    },
  };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fsp,
    // The store lists names only (readdir(dir), no options).
    readdir: async (path: string) => {
      const names = [...(await fsp.readdir(path)), ...ports.phantoms];
      // A macrotask: list() has run every read of its first batch (all in microtasks) before it.
      if (ports.releaseAfterListing) setImmediate(() => ports.releaseRenames?.());
      return names;
    },
    rename: async (...args: Parameters<typeof fsp.rename>) => {
      if (ports.holdRenames) await ports.renamesHeld;
      return fsp.rename(...args);
    },
  };
});

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-ckpt-fastlist-'));
  dir = join(root, 'records');
  Object.assign(ports, { syncReads: 0, asyncReads: 0, phantoms: [], holdRenames: false, releaseAfterListing: false });
  ports.renamesHeld = new Promise<void>((resolve) => (ports.releaseRenames = resolve));
});
afterEach(async () => {
  Object.assign(ports, { phantoms: [], holdRenames: false, releaseAfterListing: false });
  ports.releaseRenames?.();
  await rm(root, { recursive: true, force: true });
});

const openStore = () => createCheckpointStore<{ n: number }>({ dir, kind: 'k', version: 1, parse: (d) => d as { n: number } });
const resetCounts = (): void => void Object.assign(ports, { syncReads: 0, asyncReads: 0 });

describe('createCheckpointStore: list() fast path', () => {
  it('reads each good record once, synchronously, and never again under its queue', async () => {
    const store = await openStore();
    await store.write('a', { n: 1 });
    await store.write('b', { n: 2 });
    resetCounts();
    expect(await store.list()).toEqual({ records: [{ key: 'a', value: { n: 1 } }, { key: 'b', value: { n: 2 } }], problems: [] });
    expect(ports).toMatchObject({ syncReads: 2, asyncReads: 0 });
  });

  it('takes a record gone since the listing as absent from its synchronous read, with no second read', async () => {
    const store = await openStore();
    await store.write('a', { n: 1 });
    ports.phantoms = ['b.json'];
    resetCounts();
    expect(await store.list()).toEqual({ records: [{ key: 'a', value: { n: 1 } }], problems: [] });
    expect(ports).toMatchObject({ syncReads: 2, asyncReads: 0 });
  });

  it('redoes a record its synchronous read finds bad under the key queue, and reports it once', async () => {
    const store = await openStore();
    await store.write('a', { n: 1 });
    const { writeFile } = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');
    await writeFile(join(dir, 'b.json'), 'not json', { mode: 0o600 });
    resetCounts();
    const listed = await store.list();
    expect(listed.records).toEqual([{ key: 'a', value: { n: 1 } }]);
    expect(listed.problems.map((p) => [p.code, p.details.key])).toEqual([['RECORD_CORRUPT', 'b']]);
    expect(ports).toMatchObject({ syncReads: 2, asyncReads: 1 });
  });

  it('redoes a record its synchronous read cannot open (a planted symlink, ELOOP) under the key queue, where it is quarantined', async () => {
    const store = await openStore();
    await store.write('a', { n: 1 });
    const { symlink } = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');
    await symlink(join(dir, 'a.json'), join(dir, 'b.json'));
    resetCounts();
    const listed = await store.list();
    expect(listed.records).toEqual([{ key: 'a', value: { n: 1 } }]);
    expect(listed.problems.map((p) => [p.code, p.details.key])).toEqual([['RECORD_CORRUPT', 'b']]);
    expect(listed.problems[0]!.message).toContain('symlink');
    expect(ports).toMatchObject({ syncReads: 2, asyncReads: 1 });
  });

  it('does not read a record whose key is busy with a write, but waits for that write and lists its value', async () => {
    const store = await openStore();
    await store.write('a', { n: 1 });
    ports.holdRenames = true;
    const writing = store.write('a', { n: 2 });
    ports.releaseAfterListing = true;
    resetCounts();
    const listed = await store.list();
    await writing;
    expect(listed).toEqual({ records: [{ key: 'a', value: { n: 2 } }], problems: [] });
    expect(ports).toMatchObject({ syncReads: 0, asyncReads: 1 });
  });
});
