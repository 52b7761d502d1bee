import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdir, mkdtemp, open, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moveToQuarantine } from './quarantine.ts';
import { countSyncs } from '../../../../test/support/fsync-counter.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-quarantine-'));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('moveToQuarantine', () => {
  it('moves <key>.json into quarantine/ under a timestamped, random name, content intact', async () => {
    await writeFile(join(dir, 'pod-a.json'), 'bad bytes');
    const outcome = await moveToQuarantine(dir, 'pod-a', false);
    expect(outcome).toEqual({ quarantinedTo: expect.stringMatching(/\/quarantine\/pod-a\.\d{8}T\d{9}Z\.[0-9a-f]{12}\.json$/) });
    const to = (outcome as { quarantinedTo: string }).quarantinedTo;
    expect(to.startsWith(join(dir, 'quarantine', 'pod-a.'))).toBe(true);
    expect(await readFile(to, 'utf8')).toBe('bad bytes');
    expect(await readdir(dir)).toEqual(['quarantine']);
  });

  it('never overwrites an earlier quarantined copy of the same key', async () => {
    await writeFile(join(dir, 'k.json'), 'first');
    await moveToQuarantine(dir, 'k', false);
    await writeFile(join(dir, 'k.json'), 'second');
    await moveToQuarantine(dir, 'k', false);
    const names = await readdir(join(dir, 'quarantine'));
    expect(names).toHaveLength(2);
    const contents = await Promise.all(names.map((name) => readFile(join(dir, 'quarantine', name), 'utf8')));
    expect(contents.sort()).toEqual(['first', 'second']);
  });

  it('says the record was already gone when there is nothing to move', async () => {
    const outcome = await moveToQuarantine(dir, 'absent', false);
    expect(outcome).toMatchObject({ failure: 'it was already gone', cause: { code: 'ENOENT' } });
  });

  it('says where it could not move the record, and why, when the move itself fails', async () => {
    const key = 'k'.repeat(240); // fits as <key>.json, not with a timestamp and a random part
    await writeFile(join(dir, `${key}.json`), 'bad');
    const outcome = await moveToQuarantine(dir, key, false);
    expect(outcome).toMatchObject({ cause: { code: 'ENAMETOOLONG' } });
    expect((outcome as { failure: string }).failure).toMatch(new RegExp(`^cannot move it to ${join(dir, 'quarantine')}: ENAMETOOLONG`));
    expect(await readdir(dir)).toContain(`${key}.json`);
  });

  it('leaves the record in place and reports why when the quarantine dir is unsafe', async () => {
    await mkdir(join(dir, 'elsewhere'));
    await symlink(join(dir, 'elsewhere'), join(dir, 'quarantine'));
    await writeFile(join(dir, 'k.json'), 'bad');
    const outcome = await moveToQuarantine(dir, 'k', false);
    expect(outcome).toMatchObject({ failure: expect.stringContaining('symlink'), cause: { code: 'DIR_UNSAFE' } });
    expect(await readdir(dir)).toContain('k.json');
    expect(await readdir(join(dir, 'elsewhere'))).toEqual([]);
  });

  it('fsyncs the quarantine dir and the store dir after the move when durable', async () => {
    await writeFile(join(dir, 'k.json'), 'bad');
    const syncs = await countSyncs(dir);
    await moveToQuarantine(dir, 'k', true);
    expect(syncs.count).toBe(2);
  });

  it('fsyncs nothing when not durable', async () => {
    await writeFile(join(dir, 'k.json'), 'bad');
    const syncs = await countSyncs(dir);
    await moveToQuarantine(dir, 'k', false);
    expect(syncs.count).toBe(0);
  });

  it('still reports the move when an fsync after it fails', async () => {
    await writeFile(join(dir, 'k.json'), 'bad');
    const probe = await open(dir, 'r');
    const prototype = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    vi.spyOn(prototype, 'sync').mockRejectedValue(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    const outcome = await moveToQuarantine(dir, 'k', true);
    expect(outcome).toEqual({ quarantinedTo: expect.stringContaining(join(dir, 'quarantine', 'k.')) });
  });
});
