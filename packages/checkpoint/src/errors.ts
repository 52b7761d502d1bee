/**
 * The error class of `@multinet/checkpoint`, with a closed table of stable codes.
 */
export const CHECKPOINT_ERROR_CODES = {
  /** The store dir is a symlink, not a directory, or writable by group/others. */
  DIR_UNSAFE: 'DIR_UNSAFE',
  /** A record is torn, not JSON, not an envelope, or its checksum does not match; it was quarantined. */
  RECORD_CORRUPT: 'RECORD_CORRUPT',
  /** A record's kind or schema version is not this store's; it was quarantined. */
  RECORD_KIND_MISMATCH: 'RECORD_KIND_MISMATCH',
  /** The caller's `parse` rejected a record's data; it was quarantined. */
  RECORD_INVALID: 'RECORD_INVALID',
  /** A key is not `^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$`. */
  KEY_INVALID: 'KEY_INVALID',
  /** Writing a record failed (the previous content, if any, is intact). */
  WRITE_FAILED: 'WRITE_FAILED',
  /** Reading a record or the dir failed for a reason other than absence. */
  READ_FAILED: 'READ_FAILED',
  /** Removing a record failed. */
  REMOVE_FAILED: 'REMOVE_FAILED',
} as const;

/** A stable code from {@link CHECKPOINT_ERROR_CODES}. */
export type CheckpointErrorCode = keyof typeof CHECKPOINT_ERROR_CODES;

/** Facts about a checkpoint failure. */
export interface CheckpointErrorDetails {
  readonly file?: string | undefined;
  readonly key?: string | undefined;
  /** Where a bad record was moved. */
  readonly quarantinedTo?: string | undefined;
}

const BRAND = Symbol.for('@multinet/checkpoint.CheckpointError');

/** The error every checkpoint operation throws for a failure a caller can act on. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  readonly [BRAND] = true;
  readonly code: CheckpointErrorCode;
  readonly details: CheckpointErrorDetails;

  /**
   * @param code - a code from {@link CHECKPOINT_ERROR_CODES}
   * @param message - what happened, to which file
   * @param details - file, key, quarantine path
   * @param options - `cause`
   */
  constructor(code: CheckpointErrorCode, message: string, details: CheckpointErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}

/** True when `e` is a {@link CheckpointError}, even from another copy of this package. */
export function isCheckpointError(e: unknown): e is CheckpointError {
  return typeof e === 'object' && e !== null && BRAND in e;
}
