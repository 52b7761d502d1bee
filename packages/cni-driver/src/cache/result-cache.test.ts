import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareCachedResultWrite, writeCachedResult } from './result-cache.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-result-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const key = { networkName: 'net', containerId: 'c0ffee', ifName: 'eth0' };

describe('writing a cache record', () => {
  it('fails with CACHE_WRITE_FAILED naming the file and the attachment, its cause the error of the file system (no retry but for a missing dir)', async () => {
    // `results` is a file: the temp file cannot be made in it (ENOTDIR), and making the dir would not help.
    await writeFile(join(dir, 'results'), '');
    const error = await writeCachedResult(dir, { ...key, configText: '{}' }, { fsync: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'CACHE_WRITE_FAILED',
      message: expect.stringContaining(join(dir, 'results', 'net-c0ffee-eth0')),
      details: { file: join(dir, 'results', 'net-c0ffee-eth0'), network: 'net', ifName: 'eth0', containerId: 'c0ffee' },
      cause: expect.objectContaining({ code: 'ENOTDIR' }),
    });
  });

  it('makes the results dir when it is missing, 0700, and writes the record', async () => {
    await writeCachedResult(dir, { ...key, configText: '{}' }, { fsync: false });
    expect(await readdir(join(dir, 'results'))).toEqual(['net-c0ffee-eth0']);
  });

  it('gives up a prepared write whose record cannot be encoded: CACHE_WRITE_FAILED, and no temp file left', async () => {
    await mkdir(join(dir, 'results'));
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    const prepared = prepareCachedResultWrite(dir, key, { fsync: false });
    const error = await prepared.commit({ configText: '{}', capabilityArgs: circular }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CACHE_WRITE_FAILED', details: { network: 'net', ifName: 'eth0', containerId: 'c0ffee' } });
    expect(await readdir(join(dir, 'results'))).toEqual([]);
  });
});
