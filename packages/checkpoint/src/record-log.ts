/**
 * A record store that is one append-only log: each write appends a checksummed entry (group
 * commit: entries arriving together share one write and one `fdatasync`), a restart replays the
 * log, a torn tail is cut off and never trusted, and compaction rewrites the live records into a
 * new file so that the log stays about as large as what it holds.
 *
 * Files: `<dir>/records-<generation>.log` (0600, in a 0700 dir, ours), and bad entries saved
 * under `<dir>/quarantine/`.
 */
import { closeSync, constants, fstatSync, fchmodSync, openSync, readSync, ftruncateSync, fdatasyncSync } from 'node:fs';
import { close, open, fdatasync, write } from 'node:fs';
import { readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildRandomSuffix, syncDir } from './atomic-write.ts';
import { CheckpointError } from './errors.ts';
import { createLogAppender } from './internal/log-appender.ts';
import { checkLogPayload } from './internal/log-entry-check.ts';
import { decodeLogFrames, encodeLogFrame, selectPayload, OP_PUT, OP_REMOVE } from './internal/log-frames.ts';
import { buildLogName, selectLogGenerations } from './internal/log-files.ts';
import { QUARANTINE_DIR_NAME, validateKey } from './internal/record-files.ts';
import { prepareStoreDir } from './internal/store-dir.ts';
import { normalizeRecordLogOptions, type RecordLogDurability, type RecordLogOptions } from './record-log-options.ts';

const openAsync = promisify(open);
const closeAsync = promisify(close);
const writeAsync = promisify(write);
const datasyncAsync = promisify(fdatasync);

/** How a write or remove is made durable. */
export interface RecordLogWriteOptions {
  /**
   * Resolve only once the entry survives what the log's `durability` names (with `power-loss`:
   * after an `fdatasync`). Otherwise it resolves once the entry is in the kernel, which a crash
   * of this process cannot undo. @default true
   */
  readonly durable?: boolean | undefined;
}

/** A record log made by {@link openRecordLog}. One process owns a dir at a time. */
export interface RecordLog<T> {
  /** The log dir. */
  readonly dir: string;
  /** What durable writes survive. */
  readonly durability: RecordLogDurability;
  /**
   * Appends a record for `key`. Entries of one log are appended in call order.
   *
   * Not validated here (`parse` and `check` run when an entry is read back from the disk).
   *
   * @throws {CheckpointError} KEY_INVALID, RECORD_INVALID (no JSON form; nothing written), WRITE_FAILED
   */
  write(key: string, value: T, options?: RecordLogWriteOptions): Promise<void>;
  /**
   * Appends the removal of `key` (removing an absent key appends nothing and succeeds).
   *
   * @throws {CheckpointError} KEY_INVALID, REMOVE_FAILED
   */
  remove(key: string, options?: RecordLogWriteOptions): Promise<void>;
  /** True when the log holds an entry for `key` (not yet validated). */
  has(key: string): boolean;
  /**
   * The record of `key`, or `undefined`. An entry that fails a check is saved to the quarantine
   * dir, removed from the log, reported to `onProblem`, and thrown.
   *
   * @throws {CheckpointError} KEY_INVALID, RECORD_CORRUPT, RECORD_KIND_MISMATCH, RECORD_VERSION_UNSUPPORTED, RECORD_INVALID
   */
  read(key: string): Promise<T | undefined>;
  /** The keys of the live records, sorted. */
  keys(): string[];
  /** Every good record sorted by key, and a problem per bad one (quarantined); never throws for a bad record. */
  list(): Promise<{ records: Array<{ key: string; value: T }>; problems: CheckpointError[] }>;
  /**
   * Rewrites the live records into a new log file and drops the old one.
   *
   * @throws {CheckpointError} WRITE_FAILED (the old file stays in use)
   */
  compact(): Promise<void>;
  /** Sizes: of the file, and of the live entries in it. */
  stats(): { readonly fileBytes: number; readonly liveBytes: number; readonly records: number };
  /** Waits for appends and compaction under way, then closes the file. */
  close(): Promise<void>;
}

/** Where a live entry is: its bytes while they are only in memory, else its place in the file. */
interface FrameRef {
  bytes: Buffer | undefined;
  offset: number;
  length: number;
}

/** Bytes read at a time when replaying. */
const REPLAY_CHUNK = 1 << 20;
const TEMP_NAME = /^records-\d+\.log\.tmp$/;
const OPEN_APPEND = constants.O_RDWR | constants.O_APPEND | constants.O_NOFOLLOW;
const OPEN_CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Opens the log file `file`, refusing one that is not a regular file of ours or that others can write. */
function openLogFile(file: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(file, OPEN_APPEND);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new CheckpointError('LOG_UNSAFE', `record log ${file} is a symlink`, { file });
    throw new CheckpointError('DIR_UNAVAILABLE', `cannot open record log ${file}: ${messageOf(error)}`, { file }, { cause: error });
  }
  const info = fstatSync(fd);
  const uid = process.getuid?.();
  const problem = !info.isFile()
    ? 'is not a regular file'
    : uid !== undefined && info.uid !== uid
      ? `is owned by uid ${info.uid}, not by this process (uid ${uid})`
      : (info.mode & 0o022) !== 0
        ? `is writable by group or others (mode ${(info.mode & 0o777).toString(8)})`
        : undefined;
  if (problem) {
    closeSync(fd);
    throw new CheckpointError('LOG_UNSAFE', `record log ${file} ${problem}`, { file });
  }
  if ((info.mode & 0o777) !== 0o600) fchmodSync(fd, 0o600);
  return { fd, size: info.size };
}

/**
 * Opens (creating) a record log and replays it. A torn tail (a frame cut short by a crash) is
 * cut off; bytes after the last good frame that are not a torn frame are saved to the
 * quarantine dir first and reported as RECORD_CORRUPT. Entries are validated (`parse`, `check`)
 * when read, not at replay.
 *
 * @throws {TypeError} for malformed options
 * @throws {CheckpointError} DIR_UNSAFE, DIR_UNAVAILABLE, LOG_UNSAFE
 * @example
 * ```ts
 * const log = await openRecordLog({ dir: '/var/lib/multinet/records', kind: 'podCheckpoint', version: 1, parse: parsePodRecord });
 * await log.write(sandboxId, record); // durable before it resolves
 * const { records, problems } = await log.list(); // after a restart
 * ```
 */
export async function openRecordLog<T>(options: RecordLogOptions<T>): Promise<RecordLog<T>> {
  const o = normalizeRecordLogOptions(options);
  const { dir } = o;
  await prepareStoreDir(dir);
  const names = await readdir(dir).catch((error: unknown) => {
    throw new CheckpointError('DIR_UNAVAILABLE', `cannot list record log dir ${dir}: ${messageOf(error)}`, { file: dir }, { cause: error });
  });
  const generations = selectLogGenerations(names);
  let generation = generations.at(-1) ?? 1;
  // A compaction cut short left a temp file, or an older generation it had not yet removed.
  for (const name of names) if (TEMP_NAME.test(name)) await unlink(join(dir, name)).catch(() => undefined);
  for (const old of generations.slice(0, -1)) await unlink(join(dir, buildLogName(old))).catch(() => undefined);
  let file = join(dir, buildLogName(generation));
  if (generations.length === 0) {
    closeSync(openSync(file, OPEN_CREATE, 0o600));
    await syncDir(dir);
  }
  const opened = openLogFile(file);
  let fd = opened.fd;
  const quarantine = async (key: string, bytes: Buffer): Promise<string | undefined> => {
    try {
      const qdir = join(dir, QUARANTINE_DIR_NAME);
      await prepareStoreDir(qdir);
      const target = join(qdir, `${key}.${new Date().toISOString().replace(/[:.]/g, '-')}.${buildRandomSuffix()}.entry`);
      await writeFile(target, bytes, { mode: 0o600, flag: 'wx' });
      return target;
    } catch {
      return undefined;
    }
  };
  const report = (problem: CheckpointError): CheckpointError => {
    try {
      o.onProblem(problem);
    } catch {
      // onProblem must not stop a replay or a list.
    }
    return problem;
  };

  // Replay. The index keeps where each live entry is in the file, not its bytes: a restart holds
  // no copy of the file (entries are read back with pread when needed).
  // Read in chunks, so that a restart never holds the whole file.
  const frames = new Map<string, FrameRef>();
  let tail: 'none' | 'torn' | 'corrupt' = 'none';
  let goodLength = 0;
  let carry = Buffer.alloc(0);
  for (let position = 0; position < opened.size; ) {
    const chunk = Buffer.allocUnsafe(Math.min(REPLAY_CHUNK, opened.size - position));
    const n = readSync(fd, chunk, 0, chunk.length, position);
    if (n === 0) break;
    position += n;
    const buffer = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    const base = position - buffer.length;
    const decoded = decodeLogFrames(buffer);
    for (const entry of decoded.entries) {
      if (entry.op === OP_PUT) frames.set(entry.key, { bytes: undefined, offset: base + entry.offset, length: entry.length });
      else frames.delete(entry.key);
    }
    goodLength = base + decoded.goodLength;
    if (decoded.tail === 'corrupt') {
      tail = 'corrupt';
      break;
    }
    carry = Buffer.from(buffer.subarray(decoded.goodLength));
  }
  if (tail === 'none' && goodLength < opened.size) tail = 'torn';
  if (tail !== 'none') {
    if (tail === 'corrupt') {
      const rest = Buffer.allocUnsafe(opened.size - goodLength);
      readSync(fd, rest, 0, rest.length, goodLength);
      const quarantinedTo = await quarantine('log-tail', rest);
      report(new CheckpointError('RECORD_CORRUPT', `record log ${file} has ${rest.length} bytes after its last good entry that are not an entry cut short; they were cut off${quarantinedTo ? ` and saved to ${quarantinedTo}` : ''}`, { file, quarantinedTo }));
    }
    ftruncateSync(fd, goodLength);
    fdatasyncSync(fd);
  }
  const appender = createLogAppender(fd, goodLength);
  /** The bytes of an entry: in memory (written since the last compaction) or read from the file. */
  let scratch = Buffer.allocUnsafe(64 << 10);
  /** `scratch`: the bytes may go into a shared buffer, valid until the next call (reads that only decode). */
  const bytesOf = (ref: FrameRef, useScratch = false): Buffer => {
    if (ref.bytes) return ref.bytes;
    if (useScratch && ref.length > scratch.length) scratch = Buffer.allocUnsafe(ref.length);
    const out = useScratch ? scratch.subarray(0, ref.length) : Buffer.allocUnsafe(ref.length);
    let done = 0;
    while (done < ref.length) {
      const n = readSync(fd, out, done, ref.length - done, ref.offset + done);
      if (n === 0) throw new Error(`record log ${file} ends before the entry at ${ref.offset}`);
      done += n;
    }
    return out;
  };
  let liveBytes = 0;
  for (const frame of frames.values()) liveBytes += frame.length;
  /** Sets (or, with undefined, drops) the entry of `key` in the index, keeping `liveBytes` right. */
  const setFrame = (key: string, frame: FrameRef | undefined): void => {
    liveBytes -= frames.get(key)?.length ?? 0;
    if (frame) {
      frames.set(key, frame);
      liveBytes += frame.length;
    } else frames.delete(key);
  };
  /** What the file holds, as appends complete (the index above follows calls, ahead of it). */
  const onDisk = new Map(frames);
  let compacting: Promise<void> | undefined;
  let closed = false;
  const sync = (options: RecordLogWriteOptions | undefined): boolean => o.durability === 'power-loss' && options?.durable !== false;

  const header = `{"kind":${JSON.stringify(o.kind)},"version":${o.version},"data":`;
  const encode = (key: string, value: T): Buffer => {
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch (error) {
      throw new CheckpointError('RECORD_INVALID', `the record of ${key} has no JSON form: ${messageOf(error)}`, { key }, { cause: error });
    }
    if (json === undefined) throw new CheckpointError('RECORD_INVALID', `the record of ${key} has no JSON form`, { key });
    return encodeLogFrame(OP_PUT, key, Buffer.from(`${header}${json}}`));
  };

  const compactNow = async (): Promise<void> => {
    await appender.exclusive(async () => {
      const next = generation + 1;
      const nextFile = join(dir, buildLogName(next));
      const temp = `${nextFile}.tmp`;
      // What the file holds now (appends called meanwhile are queued behind this task).
      const live = [...onDisk];
      const content = Buffer.concat(live.map(([, frame]) => bytesOf(frame)));
      let tempFd: number | undefined;
      try {
        tempFd = await openAsync(temp, OPEN_CREATE, 0o600);
        let done = 0;
        while (done < content.length) done += (await writeAsync(tempFd, content, done, content.length - done)).bytesWritten;
        await datasyncAsync(tempFd);
        await closeAsync(tempFd);
        tempFd = undefined;
        await rename(temp, nextFile);
        await syncDir(dir);
      } catch (error) {
        if (tempFd !== undefined) await closeAsync(tempFd).catch(() => undefined);
        await unlink(temp).catch(() => undefined);
        throw new CheckpointError('WRITE_FAILED', `cannot compact record log ${file}: ${messageOf(error)}`, { file }, { cause: error });
      }
      // The index now points into the new file's bytes, so the old ones can go (an entry changed
      // since keeps its newer frame).
      let offset = 0;
      for (const [key, frame] of live) {
        const moved: FrameRef = { bytes: undefined, offset, length: frame.length };
        onDisk.set(key, moved);
        if (frames.get(key) === frame) frames.set(key, moved);
        offset += frame.length;
      }
      const reopened = openLogFile(nextFile);
      const oldFd = fd;
      const oldFile = file;
      fd = reopened.fd;
      file = nextFile;
      generation = next;
      appender.switchTo(fd, reopened.size);
      await closeAsync(oldFd).catch(() => undefined);
      await unlink(oldFile).catch(() => undefined);
    });
  };
  const maybeCompact = (): void => {
    if (compacting || closed) return;
    if (appender.size < o.compactAtBytes || appender.size < 2 * liveBytes) return;
    compacting = compactNow()
      .catch((error: unknown) => void report(error as CheckpointError))
      .finally(() => {
        compacting = undefined;
      });
  };

  const verify = async (key: string, frame: FrameRef): Promise<{ ok: true; value: T } | { ok: false; problem: CheckpointError }> => {
    // Decoded at once, so the shared read buffer is fine; a bad entry is read again to be kept.
    const verdict = checkLogPayload(selectPayload(bytesOf(frame, true)), key, o);
    if (verdict.ok) return verdict;
    const payload = selectPayload(bytesOf(frame));
    const { code, reason, cause } = verdict;
    // Never acted on again: saved aside, then removed from the log.
    const quarantinedTo = await quarantine(key, payload);
    if (frames.get(key) === frame) {
      setFrame(key, undefined);
      await appender.append(encodeLogFrame(OP_REMOVE, key, undefined), sync(undefined)).then(() => onDisk.delete(key), () => undefined);
    }
    const problem = new CheckpointError(code, `the record of ${key} in ${file} is unusable: ${reason}${quarantinedTo ? `; saved to ${quarantinedTo}` : ''}`, { file, key, quarantinedTo }, { cause });
    return { ok: false, problem: report(problem) };
  };

  if (opened.size >= o.compactAtBytes && opened.size >= 2 * liveBytes) maybeCompact();

  return {
    dir,
    durability: o.durability,
    async write(key, value, options) {
      validateKey(key);
      // Validated once, where it comes in: a value from the caller is the caller's own; an entry
      // from the disk is checked (parse, check) when read.
      const frame: FrameRef = { bytes: encode(key, value), offset: -1, length: 0 };
      frame.length = frame.bytes!.length;
      // The index follows call order (as the file does); a failed append puts back what the file
      // holds (not the entry before the call: it may have failed too, or moved in a compaction).
      setFrame(key, frame);
      try {
        await appender.append(frame.bytes!, sync(options));
        onDisk.set(key, frame);
      } catch (error) {
        if (frames.get(key) === frame) setFrame(key, onDisk.get(key));
        throw new CheckpointError('WRITE_FAILED', `cannot append the record of ${key} to ${file}: ${messageOf(error)}`, { file, key }, { cause: error });
      }
      maybeCompact();
    },
    async remove(key, options) {
      validateKey(key);
      const previous = frames.get(key);
      if (!previous) return;
      setFrame(key, undefined);
      try {
        await appender.append(encodeLogFrame(OP_REMOVE, key, undefined), sync(options));
        onDisk.delete(key);
      } catch (error) {
        if (!frames.has(key)) setFrame(key, onDisk.get(key));
        throw new CheckpointError('REMOVE_FAILED', `cannot append the removal of ${key} to ${file}: ${messageOf(error)}`, { file, key }, { cause: error });
      }
      maybeCompact();
    },
    has(key) {
      return frames.has(key);
    },
    async read(key) {
      validateKey(key);
      const frame = frames.get(key);
      if (!frame) return undefined;
      const verdict = await verify(key, frame);
      if (!verdict.ok) throw verdict.problem;
      return verdict.value;
    },
    keys() {
      return [...frames.keys()].sort();
    },
    async list() {
      const records: Array<{ key: string; value: T }> = [];
      const problems: CheckpointError[] = [];
      for (const key of [...frames.keys()].sort()) {
        const verdict = await verify(key, frames.get(key)!);
        if (verdict.ok) records.push({ key, value: verdict.value });
        else problems.push(verdict.problem);
      }
      return { records, problems };
    },
    async compact() {
      while (compacting) await compacting;
      await compactNow();
    },
    stats() {
      return { fileBytes: appender.size, liveBytes, records: frames.size };
    },
    async close() {
      closed = true;
      while (compacting) await compacting;
      await appender.exclusive(async () => {
        await closeAsync(fd).catch(() => undefined);
      });
    },
  };
}
