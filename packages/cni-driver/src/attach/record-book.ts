/**
 * The sandbox records of one driver: the checkpoint store on disk, with a memory copy. The
 * state-dir lock makes this driver the only writer, so what it last wrote is what the disk holds.
 */
import { join } from 'node:path';
import { createCheckpointStore, isCheckpointError, type CheckpointError, type CheckpointStore } from '@multinet/checkpoint';
import { CniError } from '@multinet/cni-types';
import type { Logger } from '../internal/logger.ts';
import { checkPodRecord } from './record-check.ts';
import { parsePodRecord, POD_RECORD_KIND, POD_RECORD_VERSION, type PodRecord } from './sandbox-record.ts';

/** Reads and writes sandbox records. */
export interface RecordBook {
  /** The record of a sandbox; a corrupt one has been quarantined and counts as absent. */
  read(sandboxId: string): Promise<PodRecord | undefined>;
  /** Writes a record durably. @throws {CniError} RECORD_WRITE_FAILED */
  write(record: PodRecord): Promise<void>;
  /** Removes a record durably. @throws {CniError} RECORD_WRITE_FAILED */
  remove(sandboxId: string): Promise<void>;
  /** Every good record, and the problems of the bad ones (quarantined). */
  list(): Promise<{ records: PodRecord[]; problems: CheckpointError[] }>;
}

/** Opens the record book of `<stateDir>/pods`. */
export async function openRecordBook(stateDir: string, logger: Logger): Promise<RecordBook> {
  const store: CheckpointStore<PodRecord> = await createCheckpointStore({
    dir: join(stateDir, 'pods'),
    kind: POD_RECORD_KIND,
    version: POD_RECORD_VERSION,
    parse: parsePodRecord,
    check: checkPodRecord,
    onProblem: (problem) => logger.warn({ err: problem }, 'quarantined an unusable pod record'),
  });
  // undefined = read and absent; a missing key = not read yet.
  const memory = new Map<string, PodRecord | undefined>();
  const wrap = (action: string, key: string) => (error: unknown): never => {
    throw new CniError('RECORD_WRITE_FAILED', `cannot ${action} the pod record of sandbox ${key}: ${(error as Error).message}`, { containerId: key }, { cause: error });
  };
  return {
    async read(sandboxId) {
      if (memory.has(sandboxId)) return memory.get(sandboxId);
      try {
        const record = await store.read(sandboxId);
        memory.set(sandboxId, record);
        return record;
      } catch (error) {
        if (isCheckpointError(error)) return undefined;
        throw error;
      }
    },
    async write(record) {
      // The memory copy changes only once the disk has the record.
      await store.write(record.sandboxId, record).catch(wrap('write', record.sandboxId));
      memory.set(record.sandboxId, record);
    },
    async remove(sandboxId) {
      await store.remove(sandboxId).catch(wrap('remove', sandboxId));
      memory.delete(sandboxId);
    },
    async list() {
      const { records, problems } = await store.list();
      for (const { key, value } of records) memory.set(key, value);
      return { records: records.map((r) => r.value), problems };
    },
  };
}
