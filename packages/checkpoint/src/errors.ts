/**
 * The one error class of `@multinet/checkpoint`, with a closed table of stable codes.
 *
 * Callers branch on `code`, never on message text. Codes are stable forever: a rename is a new
 * code plus a deprecation of the old one.
 */
export const CHECKPOINT_ERROR_CODES = {
  /** The store dir is a symlink, not a directory, not ours, or writable by group/others. */
  DIR_UNSAFE: 'DIR_UNSAFE',
  /** The store dir cannot be created, inspected or fixed to 0700 (permissions, read-only fs, a file in the path). */
  DIR_UNAVAILABLE: 'DIR_UNAVAILABLE',
  /** A record is torn, not JSON, not an envelope, or fails its checksum; it was quarantined. */
  RECORD_CORRUPT: 'RECORD_CORRUPT',
  /** A record holds another kind than this store's; it was quarantined. */
  RECORD_KIND_MISMATCH: 'RECORD_KIND_MISMATCH',
  /** A record of this store's kind has another schema version; it was quarantined. */
  RECORD_VERSION_UNSUPPORTED: 'RECORD_VERSION_UNSUPPORTED',
  /** The caller's `parse` rejected a record's data (quarantined), or a value given to `write` (nothing written). */
  RECORD_INVALID: 'RECORD_INVALID',
  /** The record log file is a symlink, not a regular file, not ours, or writable by group/others. */
  LOG_UNSAFE: 'LOG_UNSAFE',
  /** A key does not match `^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$`. */
  KEY_INVALID: 'KEY_INVALID',
  /** Writing a record failed; the previous content, if any, is intact. */
  WRITE_FAILED: 'WRITE_FAILED',
  /** Reading a record or listing the dir failed for a reason other than absence. */
  READ_FAILED: 'READ_FAILED',
  /** Removing a record failed; it may still be there. */
  REMOVE_FAILED: 'REMOVE_FAILED',
} as const;

/** A stable code from {@link CHECKPOINT_ERROR_CODES}. */
export type CheckpointErrorCode = keyof typeof CHECKPOINT_ERROR_CODES;

/** Facts about a checkpoint failure, besides the message. */
export interface CheckpointErrorDetails {
  /** The record file (or the store dir) concerned. */
  readonly file?: string | undefined;
  /** The record key concerned. */
  readonly key?: string | undefined;
  /** Where a bad record was moved; absent when it could not be moved (or was already gone). */
  readonly quarantinedTo?: string | undefined;
}

const BRAND = Symbol.for('@multinet/checkpoint.CheckpointError');

/**
 * The error every checkpoint operation throws (or reports through `onProblem` and
 * `list().problems`) for a failure a caller can act on.
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  readonly [BRAND] = true;
  /** A stable code from {@link CHECKPOINT_ERROR_CODES}. */
  readonly code: CheckpointErrorCode;
  /** File, key and quarantine path. */
  readonly details: CheckpointErrorDetails;

  /**
   * @param code - a code from {@link CHECKPOINT_ERROR_CODES}
   * @param message - what happened, to which file, and why
   * @param details - file, key, quarantine path
   * @param options - the underlying `cause`
   */
  constructor(code: CheckpointErrorCode, message: string, details: CheckpointErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}

/**
 * True when `e` is a {@link CheckpointError}, even one from another copy of this package
 * (it checks a `Symbol.for` brand, not `instanceof`).
 */
export function isCheckpointError(e: unknown): e is CheckpointError {
  return typeof e === 'object' && e !== null && BRAND in e;
}
