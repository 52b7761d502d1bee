import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCheckpointError, type CheckpointError } from './errors.ts';
import { openRecordLog } from './record-log.ts';

// The name of a quarantined entry is made predictable (a fixed clock and random suffix), so that
// a test can put something at that name first.
vi.mock('./atomic-write.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('./atomic-write.ts')>()), buildRandomSuffix: () => 'fixed' }));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-logq-'));
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-01-02T03:04:05.678Z'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

describe('a record log, quarantine', () => {
  it('never writes a bad entry through a name that already exists in the quarantine dir', async () => {
    const logDir = join(dir, 'records');
    const log = await openRecordLog<{ id: string }>({
      dir: logDir,
      kind: 'rec',
      version: 1,
      durability: 'process-crash',
      parse: () => {
        throw new Error('refused');
      },
    });
    try {
      await log.write('a', { id: 'a' });
      const victim = join(dir, 'victim');
      await writeFile(victim, 'not to be overwritten');
      await mkdir(join(logDir, 'quarantine'), { mode: 0o700 });
      const target = join(logDir, 'quarantine', 'a.2026-01-02T03-04-05-678Z.fixed.entry');
      await symlink(victim, target);
      const error = (await log.read('a').then(
        () => undefined,
        (e: unknown) => e,
      )) as CheckpointError;
      expect(isCheckpointError(error) && error.code).toBe('RECORD_INVALID');
      expect(error.details.quarantinedTo).toBeUndefined();
      expect(await readFile(victim, 'utf8')).toBe('not to be overwritten');
      expect(await readdir(join(logDir, 'quarantine'))).toEqual(['a.2026-01-02T03-04-05-678Z.fixed.entry']);
    } finally {
      await log.close();
    }
  });
});
