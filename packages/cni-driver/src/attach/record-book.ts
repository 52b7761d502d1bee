/**
 * The sandbox records of one driver: a write-ahead record log on disk (`<stateDir>/records`,
 * `@multinet/checkpoint`'s `openRecordLog`), with a memory copy. The state-dir lock makes this
 * driver the only writer, so what it last wrote is what the log holds.
 *
 * Durability: a write that adds an ADD intent (an attachment newly `adding`) resolves only once
 * it survives the chosen failure — with `power-loss` (the default) after an `fdatasync` shared
 * with every append under way (group commit), with `process-crash` once it is in the kernel.
 * Every other write never waits for the disk, `deleting` intents included: a power loss takes
 * every network namespace (and the links in it) with it, and the record before a lost DEL intent
 * still names the attachment, so the DEL is made again all the same — only an ADD can leave
 * something on disk (an IPAM lease) that no record names. Outcome writes (a result, a
 * `del-failed`, a removal) likewise: losing one leaves the intent before it, which the next
 * reconcile finishes again (DEL and ADD are redone, never skipped). Either way every write is in
 * the kernel before it resolves, which a crash of this process cannot undo.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createCheckpointStore, isCheckpointError, openRecordLog, readRecordLog, type CheckpointError, type RecordLog, type RecordLogDurability } from '@multinet/checkpoint';
import { CniError } from '@multinet/cni-types';
import type { Logger } from '../internal/logger.ts';
import { checkPodRecord } from './record-check.ts';
import { parsePodRecord, POD_RECORD_KIND, POD_RECORD_VERSION, type AttachmentRecord, type PodRecord } from './sandbox-record.ts';

/** Reads and writes sandbox records. */
export interface RecordBook {
  /** The record of a sandbox; a corrupt one has been quarantined and counts as absent. */
  read(sandboxId: string): Promise<PodRecord | undefined>;
  /** Writes a record (an intent durably, see the file's doc). @throws {CniError} RECORD_WRITE_FAILED */
  write(record: PodRecord): Promise<void>;
  /** Removes a record. @throws {CniError} RECORD_WRITE_FAILED */
  remove(sandboxId: string): Promise<void>;
  /** Every good record, and the problems of the bad ones (quarantined). */
  list(): Promise<{ records: PodRecord[]; problems: CheckpointError[] }>;
  /** Closes the log file (after the appends under way). */
  close(): Promise<void>;
  /** How many records are held in memory: the live sandboxes read or written, never the removed ones. */
  readonly heldInMemory: number;
}

/** Options of {@link openRecordBook}. */
export interface RecordBookOptions {
  /** What an intent write survives before its step starts. @default 'power-loss' */
  readonly durability?: RecordLogDurability | undefined;
}

const isAddIntent = (a: AttachmentRecord): boolean => a.state === 'adding' || a.state === 'planned';
const intentKey = (a: AttachmentRecord): string => `${a.ifName}\u0000${a.network}`;

/**
 * True when `next` holds an ADD intent `previous` did not: an ADD is about to start on the
 * strength of it, so the write must survive a power loss first (see the file's doc for why a
 * DEL intent need not). Pure.
 */
export function hasNewAddIntent(previous: PodRecord | undefined, next: PodRecord): boolean {
  const before = new Set((previous?.attachments ?? []).filter(isAddIntent).map(intentKey));
  return next.attachments.some((a) => isAddIntent(a) && !before.has(intentKey(a)));
}

/**
 * Opens the record book of `stateDir`. Records an earlier version kept as files in
 * `<stateDir>/pods` are moved into the log first (checked like any record; bad ones quarantined
 * where they are).
 */
export async function openRecordBook(stateDir: string, logger: Logger, options: RecordBookOptions = {}): Promise<RecordBook> {
  const onProblem = (problem: CheckpointError): void => logger.warn({ err: problem }, 'quarantined an unusable pod record');
  const logOptions = { dir: join(stateDir, 'records'), kind: POD_RECORD_KIND, version: POD_RECORD_VERSION, parse: parsePodRecord, check: checkPodRecord, onProblem, durability: options.durability };
  const log: RecordLog<PodRecord> = await openRecordLog(logOptions);
  let closed = false;
  await migrateRecordFiles(join(stateDir, 'pods'), log, onProblem);
  // The live records read or written; a missing key is not read yet or absent (the log's index,
  // in memory, knows which). Removed sandboxes leave: a runtime that churns pods for months must
  // not keep a key for each one it ever had.
  const memory = new Map<string, PodRecord>();
  const wrap = (action: string, key: string) => (error: unknown): never => {
    throw new CniError('RECORD_WRITE_FAILED', `cannot ${action} the pod record of sandbox ${key}: ${(error as Error).message}`, { containerId: key }, { cause: error });
  };
  return {
    async read(sandboxId) {
      // Once closed, the log may have a new owner: what is on disk is the truth.
      if (closed) return (await readRecordLog(logOptions)).records.find((r) => r.key === sandboxId)?.value;
      const held = memory.get(sandboxId);
      if (held) return held;
      // Known absent without touching the disk: the log's index is in memory.
      if (!log.has(sandboxId)) return undefined;
      try {
        const record = await log.read(sandboxId);
        if (record) memory.set(sandboxId, record);
        return record;
      } catch (error) {
        // A corrupt record was quarantined (the log no longer has it): absent.
        if (isCheckpointError(error)) return undefined;
        throw error;
      }
    },
    async write(record) {
      const durable = hasNewAddIntent(memory.get(record.sandboxId), record);
      // The memory copy changes only once the log has the record.
      await log.write(record.sandboxId, record, { durable }).catch(wrap('write', record.sandboxId));
      memory.set(record.sandboxId, record);
    },
    async remove(sandboxId) {
      await log.remove(sandboxId, { durable: false }).catch(wrap('remove', sandboxId));
      memory.delete(sandboxId);
    },
    async list() {
      if (closed) {
        const { records, problems } = await readRecordLog(logOptions);
        return { records: records.map((r) => r.value), problems };
      }
      const { records, problems } = await log.list();
      for (const { key, value } of records) memory.set(key, value);
      for (const problem of problems) if (problem.details.key) memory.delete(problem.details.key);
      return { records: records.map((r) => r.value), problems };
    },
    async close() {
      closed = true;
      await log.close();
    },
    get heldInMemory() {
      return memory.size;
    },
  };
}

/** Moves the per-pod record files of an earlier version into the log, then removes them. */
async function migrateRecordFiles(podsDir: string, log: RecordLog<PodRecord>, onProblem: (problem: CheckpointError) => void): Promise<void> {
  const names = await readdir(podsDir).catch(() => [] as string[]);
  if (!names.some((name) => name.endsWith('.json'))) return;
  const store = await createCheckpointStore({ dir: podsDir, kind: POD_RECORD_KIND, version: POD_RECORD_VERSION, parse: parsePodRecord, check: checkPodRecord, onProblem });
  const { records } = await store.list();
  for (const { key, value } of records) {
    await log.write(key, value, { durable: true });
    await store.remove(key);
  }
}
