/**
 * The record type of the checkpoint package's record-log tests, `{ id, n }`, valid when `id`
 * names its key, the temp dir and opened logs each of those test files sets up, and the check
 * that a promise fails with a CheckpointError (the record store's tests use it too).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { isCheckpointError, type CheckpointError } from '../../packages/checkpoint/src/errors.ts';
import { openRecordLog, type RecordLog } from '../../packages/checkpoint/src/record-log.ts';
import type { RecordLogOptions } from '../../packages/checkpoint/src/record-log-options.ts';

/** A test record. */
export interface Rec {
  id: string;
  n: number;
}

/** Reads a Rec (throws on anything else), as a record log's `parse`. */
export const parseRec = (data: unknown): Rec => {
  const r = data as Rec;
  if (typeof r?.id !== 'string' || typeof r.n !== 'number') throw new Error('not a Rec');
  return { id: r.id, n: r.n };
};

/** A record log's `check`: a Rec must name its key. */
export const checkRec = (value: Rec, key: string): void => {
  if (value.id !== key) throw new Error(`names ${value.id}`);
};

/** The CheckpointError `promise` rejects with (a test failure when it resolves or throws another). */
export async function checkpointErrorOf(promise: Promise<unknown>): Promise<CheckpointError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isCheckpointError(error)) throw new Error(`expected a CheckpointError, got ${String(error)}`);
  return error;
}

/** The temp dir, log dir and helpers of one record-log test file (see {@link useRecLogBed}). */
export interface RecLogBed {
  /** A fresh temp dir per test. */
  readonly dir: string;
  /** `<dir>/records`: the log dir {@link RecLogBed.openLog} uses by default. */
  readonly logDir: string;
  /** What `onProblem` reported since the test began. */
  readonly problems: CheckpointError[];
  /** Opens a log of Recs (in `where`, by default the log dir); it is closed after the test. */
  openLog(extra?: Partial<RecordLogOptions<Rec>>, where?: string): Promise<RecordLog<Rec>>;
  /** The CheckpointError `promise` rejects with (a test failure when it resolves or throws another). */
  errorOf(promise: Promise<unknown>): Promise<CheckpointError>;
}

/**
 * Registers a fresh temp dir per test (`prefix` names it) and the closing of every log opened in
 * it; `defaults` go into every `openLog`.
 */
export function useRecLogBed(prefix: string, defaults: Partial<RecordLogOptions<Rec>> = {}): RecLogBed {
  let dir = '';
  const opened: RecordLog<Rec>[] = [];
  const problems: CheckpointError[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    problems.length = 0;
  });
  afterEach(async () => {
    for (const log of opened.splice(0)) await log.close();
    await rm(dir, { recursive: true, force: true });
  });
  const bed: RecLogBed = {
    get dir() {
      return dir;
    },
    get logDir() {
      return join(dir, 'records');
    },
    problems,
    async openLog(extra = {}, where = bed.logDir) {
      const log = await openRecordLog<Rec>({ dir: where, kind: 'rec', version: 1, parse: parseRec, check: checkRec, onProblem: (p) => problems.push(p), ...defaults, ...extra });
      opened.push(log);
      return log;
    },
    errorOf: checkpointErrorOf,
  };
  return bed;
}
