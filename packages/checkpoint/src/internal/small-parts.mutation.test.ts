import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCheckpointError } from '../errors.ts';
import { createKeyedQueue } from './keyed-queue.ts';
import { isTempFileName, validateKey } from './record-files.ts';
import { prepareStoreDir } from './store-dir.ts';

describe('record file names', () => {
  it('counts only hidden .tmp names as temp files', () => {
    expect(isTempFileName('.a.123.tmp')).toBe(true);
    expect(isTempFileName('.hidden.json')).toBe(false);
    expect(isTempFileName('a.tmp')).toBe(false);
  });

  it('puts a string key in the details of KEY_INVALID, and no key for anything else', () => {
    let caught: unknown;
    try {
      validateKey('a/b');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'KEY_INVALID', details: { key: 'a/b' } });
    try {
      validateKey(42);
    } catch (error) {
      caught = error;
    }
    expect(isCheckpointError(caught) && 'key' in caught.details).toBe(false);
  });
});

describe('isCheckpointError', () => {
  it('says false for null and undefined', async () => {
    const { isCheckpointError: guard } = await import('../errors.ts');
    expect(guard(null)).toBe(false);
    expect(guard(undefined)).toBe(false);
  });
});

describe('createKeyedQueue', () => {
  it('stays busy for a key while a later operation is still queued after the first settled', async () => {
    const queue = createKeyedQueue();
    let release!: () => void;
    const first = queue.run('k', () => Promise.resolve());
    const second = queue.run('k', () => new Promise<void>((resolve) => (release = resolve)));
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.isBusy('k')).toBe(true);
    release();
    await second;
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.isBusy('k')).toBe(false);
  });
});

describe('prepareStoreDir', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'multinet-storedir-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reports the mkdir error, with it as cause, when a file stands in the path', async () => {
    await writeFile(join(root, 'file'), 'x');
    const dir = join(root, 'file', 'records');
    let caught: unknown;
    try {
      await prepareStoreDir(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'DIR_UNAVAILABLE', details: { file: dir }, cause: { code: 'ENOTDIR', syscall: 'mkdir' } });
    expect((caught as Error).message).toMatch(new RegExp(`^cannot create checkpoint dir ${dir}: ENOTDIR: not a directory, mkdir`));
  });
});
