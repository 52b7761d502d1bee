/**
 * A durable record store: one checksummed file per key, replaced atomically; a bad record is
 * moved to a quarantine folder and reported, never returned.
 */
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { buildRandomSuffix, syncDir, writeFileViaTemp } from './atomic-write.ts';
import { buildEnvelopeText } from './envelope.ts';
import { CheckpointError } from './errors.ts';
import { createKeyedQueue } from './internal/keyed-queue.ts';
import { moveToQuarantine } from './internal/quarantine.ts';
import { errnoOf, readRecordFile, readRecordFileSync, removeStaleTempFiles } from './internal/record-file-io.ts';
import { buildRecordFileName, buildTempFileName, selectRecordKey, validateKey } from './internal/record-files.ts';
import { prepareStoreDir } from './internal/store-dir.ts';
import { verifyRecordText, type RecordVerdict } from './internal/verify-record.ts';
import { normalizeStoreOptions, type CheckpointStoreOptions } from './store-options.ts';

/** A durable record store made by {@link createCheckpointStore}. One process owns a dir at a time. */
export interface CheckpointStore<T> {
  /** The store dir. */
  readonly dir: string;
  /**
   * Writes a record atomically and durably (temp file, fsync, rename, fsync dir): after a crash
   * the key holds the old record or the new one. Writes and removes of one key run in call order.
   *
   * @throws {CheckpointError} KEY_INVALID, RECORD_INVALID (`parse` rejects the value, or it has no JSON form; nothing written), WRITE_FAILED
   */
  write(key: string, value: T): Promise<void>;
  /**
   * The record of `key`, or `undefined` when there is none. A record that fails any check is
   * quarantined, reported to `onProblem`, and thrown.
   *
   * @throws {CheckpointError} KEY_INVALID, RECORD_CORRUPT, RECORD_KIND_MISMATCH, RECORD_VERSION_UNSUPPORTED, RECORD_INVALID, READ_FAILED
   */
  read(key: string): Promise<T | undefined>;
  /**
   * Removes a record and fsyncs the dir; removing an absent key succeeds.
   *
   * @throws {CheckpointError} KEY_INVALID, REMOVE_FAILED
   */
  remove(key: string): Promise<void>;
  /**
   * The keys of the record files, sorted, without reading them.
   *
   * @throws {CheckpointError} READ_FAILED (the dir cannot be listed)
   */
  keys(): Promise<string[]>;
  /**
   * Every good record, sorted by key. Bad ones are quarantined and returned as `problems`
   * (each also told to `onProblem`); they never make it throw. Temp files a crash left behind
   * (older than this store) are removed.
   *
   * @throws {CheckpointError} READ_FAILED (only when the dir itself cannot be listed)
   */
  list(): Promise<{ records: Array<{ key: string; value: T }>; problems: CheckpointError[] }>;
}

type Loaded<T> = { readonly state: 'absent' } | { readonly state: 'good'; readonly value: T } | { readonly state: 'bad'; readonly problem: CheckpointError };

const FILE_MODE = 0o600;
// Measured on 10,000 small records: sync reads in batches load in a third of the time of 64
// concurrent fs.promises reads (warm cache), and each batch holds the event loop ~1 ms.
const LIST_BATCH = 128;
const ABSENT = { state: 'absent' } as const;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Opens a checkpoint store, creating its dir (0700) when missing. Records are files
 * `<dir>/<key>.json` (0600) holding `{"kind","version","checksum","data"}`.
 *
 * @throws {TypeError} when an option is malformed (``Expected `dir` to be an absolute path, got `"./x"` ``)
 * @throws {CheckpointError} DIR_UNSAFE (symlink, not a dir, not ours, group/world-writable), DIR_UNAVAILABLE
 * @example
 * ```ts
 * const store = await createCheckpointStore({ dir: '/var/lib/multinet/pods', kind: 'podCheckpoint', version: 1, parse: parsePodRecord });
 * await store.write(sandboxId, record);
 * const { records, problems } = await store.list(); // after a restart
 * ```
 */
export async function createCheckpointStore<T>(options: CheckpointStoreOptions<T>): Promise<CheckpointStore<T>> {
  const { dir, kind, version, parse, check, onProblem, fsync: durable } = normalizeStoreOptions(options);
  // The caller's parse, then its check of the value against the key it is stored under.
  const parseFor = (key: string) => (data: unknown): T => {
    const value = parse(data);
    check?.(value, key);
    return value;
  };
  await prepareStoreDir(dir);
  const createdAt = Date.now();
  const expect = { kind, version };
  const queue = createKeyedQueue();
  const ownTemps = new Set<string>();
  const fileOf = (key: string): string => join(dir, buildRecordFileName(key));

  function report(problem: CheckpointError): CheckpointError {
    try {
      onProblem(problem);
    } catch {
      // Documented: a throwing listener must not turn list() into a throw.
    }
    return problem;
  }

  async function quarantine(key: string, verdict: Extract<RecordVerdict<T>, { ok: false }>): Promise<Loaded<T>> {
    const file = fileOf(key);
    const moved = await moveToQuarantine(dir, key, durable);
    const where = 'quarantinedTo' in moved ? `moved to ${moved.quarantinedTo}` : `left in place: ${moved.failure}`;
    const quarantinedTo = 'quarantinedTo' in moved ? moved.quarantinedTo : undefined;
    const problem = new CheckpointError(verdict.code, `checkpoint ${file} is unusable: ${verdict.reason}; ${where}`, { file, key, quarantinedTo }, { cause: verdict.cause });
    return { state: 'bad', problem: report(problem) };
  }

  /** Reads and judges one record. Runs inside the key's queue. */
  async function load(key: string): Promise<Loaded<T>> {
    const file = fileOf(key);
    let text: string;
    try {
      text = await readRecordFile(file);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return ABSENT;
      if (errnoOf(error) === 'ELOOP') return quarantine(key, { ok: false, code: 'RECORD_CORRUPT', reason: 'it is a symlink, not a regular file' });
      if (errnoOf(error) === 'EUNSAFE') return quarantine(key, { ok: false, code: 'RECORD_CORRUPT', reason: messageOf(error) });
      const problem = new CheckpointError('READ_FAILED', `cannot read checkpoint ${file}: ${messageOf(error)}`, { file, key }, { cause: error });
      return { state: 'bad', problem: report(problem) };
    }
    const verdict = verifyRecordText(text, expect, parseFor(key));
    return verdict.ok ? { state: 'good', value: verdict.value } : quarantine(key, verdict);
  }

  /** list()'s fast path: a synchronous read outside the queue; anything but a good record is redone by load(). */
  function loadQuickly(key: string): Loaded<T> | Promise<Loaded<T>> {
    if (!queue.isBusy(key)) {
      let text: string | undefined;
      try {
        text = readRecordFileSync(fileOf(key));
      } catch (error) {
        if (errnoOf(error) === 'ENOENT') return ABSENT;
      }
      const verdict = text === undefined ? undefined : verifyRecordText(text, expect, parseFor(key));
      if (verdict?.ok) return { state: 'good', value: verdict.value };
    }
    // Judged again under the key's queue, so a record rewritten meanwhile is never quarantined.
    return queue.run(key, () => load(key));
  }

  async function listNames(): Promise<string[]> {
    try {
      return await readdir(dir);
    } catch (error) {
      throw new CheckpointError('READ_FAILED', `cannot list checkpoint dir ${dir}: ${messageOf(error)}`, { file: dir }, { cause: error });
    }
  }

  function encode(key: string, value: T): string {
    const file = fileOf(key);
    let text: string | undefined;
    try {
      text = buildEnvelopeText(expect, value);
    } catch (error) {
      throw new CheckpointError('RECORD_INVALID', `cannot write checkpoint ${file}: its value has no JSON form: ${messageOf(error)}`, { file, key }, { cause: error });
    }
    if (text === undefined) throw new CheckpointError('RECORD_INVALID', `cannot write checkpoint ${file}: its value has no JSON form (got ${typeof value})`, { file, key });
    // Never write what a later read would quarantine.
    const verdict = verifyRecordText(text, expect, parseFor(key));
    if (!verdict.ok) throw new CheckpointError('RECORD_INVALID', `cannot write checkpoint ${file}: ${verdict.reason}`, { file, key }, { cause: verdict.cause });
    return text;
  }

  return Object.freeze({
    dir,
    async write(key: string, value: T): Promise<void> {
      validateKey(key);
      const text = encode(key, value);
      const file = fileOf(key);
      await queue.run(key, async () => {
        const tempName = buildTempFileName(key, buildRandomSuffix());
        ownTemps.add(tempName);
        try {
          await writeFileViaTemp(file, join(dir, tempName), text, { mode: FILE_MODE, fsync: durable });
        } catch (error) {
          throw new CheckpointError('WRITE_FAILED', `cannot write checkpoint ${file}: ${messageOf(error)}`, { file, key }, { cause: error });
        } finally {
          ownTemps.delete(tempName);
        }
      });
    },
    async read(key: string): Promise<T | undefined> {
      validateKey(key);
      const loaded = await queue.run(key, () => load(key));
      if (loaded.state === 'bad') throw loaded.problem;
      return loaded.state === 'good' ? loaded.value : undefined;
    },
    async remove(key: string): Promise<void> {
      validateKey(key);
      const file = fileOf(key);
      await queue.run(key, async () => {
        try {
          await unlink(file).catch((error: unknown) => {
            if (errnoOf(error) !== 'ENOENT') throw error;
          });
          // Also after ENOENT: a retry after a crash must still leave the removal durable.
          if (durable) await syncDir(dir);
        } catch (error) {
          throw new CheckpointError('REMOVE_FAILED', `cannot remove checkpoint ${file}: ${messageOf(error)}`, { file, key }, { cause: error });
        }
      });
    },
    async keys(): Promise<string[]> {
      return selectKeys(await listNames());
    },
    async list() {
      const names = await listNames();
      await removeStaleTempFiles(dir, names, createdAt, ownTemps);
      const keys = selectKeys(names);
      const records: Array<{ key: string; value: T }> = [];
      const problems: CheckpointError[] = [];
      for (let start = 0; start < keys.length; start += LIST_BATCH) {
        const batch = keys.slice(start, start + LIST_BATCH);
        const loaded = await Promise.all(batch.map(loadQuickly));
        loaded.forEach((item, i) => {
          if (item.state === 'good') records.push({ key: batch[i]!, value: item.value });
          else if (item.state === 'bad') problems.push(item.problem);
        });
        await yieldToEventLoop();
      }
      return { records, problems };
    },
  });
}

function selectKeys(names: readonly string[]): string[] {
  const keys: string[] = [];
  for (const name of names) {
    const key = selectRecordKey(name);
    if (key !== undefined) keys.push(key);
  }
  return keys.sort();
}
