/**
 * What interrupted atomic writes leave behind: temp files next to their targets.
 */
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempFileName } from './internal/record-files.ts';

/**
 * Removes the temp files that interrupted {@link writeFileAtomic} calls left in `dir` (not in
 * its subdirs) and returns their names. Only for a dir this process owns (no writer in flight);
 * a missing dir has none.
 */
export async function removeInterruptedWrites(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const temps = names.filter(isTempFileName);
  await Promise.all(temps.map((name) => unlink(join(dir, name)).catch(() => undefined)));
  return temps;
}
