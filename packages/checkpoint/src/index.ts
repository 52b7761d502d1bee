/**
 * `@multinet/checkpoint`: a crash-safe, checksummed record store on `node:fs` alone, and the
 * atomic file write it is built on. It knows nothing of CNI: the caller passes `parse`.
 *
 * @packageDocumentation
 */
export { createCheckpointStore, type CheckpointStore } from './checkpoint-store.ts';
export type { CheckpointStoreOptions } from './store-options.ts';
export { openRecordLog, type RecordLog, type RecordLogWriteOptions } from './record-log.ts';
export { readRecordLog } from './read-record-log.ts';
export type { RecordLogOptions, RecordLogDurability } from './record-log-options.ts';
export { writeFileAtomic, type AtomicWriteOptions } from './atomic-write.ts';
export { prepareAtomicWrite, type PreparedWrite } from './prepared-write.ts';
export { parseEnvelopeText, type EnvelopeOutcome, type EnvelopeExpectation } from './envelope.ts';
export { removeInterruptedWrites } from './interrupted-writes.ts';
export { CheckpointError, isCheckpointError, CHECKPOINT_ERROR_CODES, type CheckpointErrorCode, type CheckpointErrorDetails } from './errors.ts';
