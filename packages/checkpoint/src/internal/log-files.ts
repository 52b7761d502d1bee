/**
 * Names of record log files. Pure.
 */

/** `records-<generation>.log`; compaction writes the next generation. */
export const LOG_NAME = /^records-(\d+)\.log$/;

/** The file name of a generation. */
export function buildLogName(generation: number): string {
  return `records-${generation}.log`;
}

/** The generations of the log files among `names`, oldest first. */
export function selectLogGenerations(names: readonly string[]): number[] {
  return names.flatMap((name) => (LOG_NAME.test(name) ? [Number(LOG_NAME.exec(name)![1])] : [])).sort((a, b) => a - b);
}
