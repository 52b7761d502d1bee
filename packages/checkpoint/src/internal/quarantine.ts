/**
 * Moves a bad record aside, into `<dir>/quarantine/`, so that it is kept for a human to look at
 * but is never read as a record again.
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { buildRandomSuffix, syncDir } from '../atomic-write.ts';
import { buildQuarantineFileName, buildRecordFileName, QUARANTINE_DIR_NAME } from './record-files.ts';
import { prepareStoreDir } from './store-dir.ts';

/** Where the record went, or why it could not be moved. */
export type QuarantineOutcome = { readonly quarantinedTo: string } | { readonly failure: string; readonly cause?: unknown };

/** Moves `<dir>/<key>.json` to `<dir>/quarantine/<key>.<timestamp>.<random>.json`. Never throws. */
export async function moveToQuarantine(dir: string, key: string, durable: boolean): Promise<QuarantineOutcome> {
  const quarantineDir = join(dir, QUARANTINE_DIR_NAME);
  const target = join(quarantineDir, buildQuarantineFileName(key, new Date(), buildRandomSuffix()));
  try {
    await prepareStoreDir(quarantineDir);
  } catch (error) {
    return { failure: (error as Error).message, cause: error };
  }
  try {
    await rename(join(dir, buildRecordFileName(key)), target);
  } catch (error) {
    const gone = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { failure: gone ? 'it was already gone' : `cannot move it to ${quarantineDir}: ${(error as Error).message}`, cause: error };
  }
  if (durable) {
    // The move is done; a failed fsync only risks the record coming back after a crash, where
    // it would be found bad and quarantined again.
    await Promise.all([syncDir(quarantineDir), syncDir(dir)]).catch(() => undefined);
  }
  return { quarantinedTo: target };
}
