/**
 * The harness's own error class. The driver's failures stay `CniError`s (they pass through the
 * runtime unchanged); these codes are about the harness itself — a wait that timed out, a
 * runtime that was crashed on purpose, a manifest or pod the harness refuses — which are no
 * CNI facts and so have no place in the closed `CniError` table of `@multinet/cni-types`.
 */

/** The closed table of the harness's codes. Stable forever. */
export const FAKE_RUNTIME_ERROR_CODES = {
  /** `waitFor` saw no matching event within its `timeoutMs`. */
  WAIT_TIMEOUT: 'WAIT_TIMEOUT',
  /** `waitFor` was given up through its `signal`. */
  WAIT_ABORTED: 'WAIT_ABORTED',
  /** The runtime crashed (a fault's crash point, or `crash()`): the turn in flight was cut short. */
  RUNTIME_CRASHED: 'RUNTIME_CRASHED',
  /**
   * A manifest file is larger than `maxManifestBytes` (`--max-manifest-bytes`): it was skipped
   * unread; the other manifest files load as usual. Reported in `manifestProblems()`.
   */
  MANIFEST_TOO_LARGE: 'MANIFEST_TOO_LARGE',
  /**
   * Two pods carry one `uid`: the one that has (or first got) the sandbox keeps it, the other is
   * refused and gets this error in its status — one uid never means two pods in one sandbox.
   */
  POD_UID_CONFLICT: 'POD_UID_CONFLICT',
  /**
   * The kubeconfig file cannot be read or is not a kubeconfig. The message names the file and
   * where it is wrong, never its contents (which hold credentials).
   */
  KUBECONFIG_INVALID: 'KUBECONFIG_INVALID',
} as const;

/** A code of {@link FAKE_RUNTIME_ERROR_CODES}. */
export type FakeRuntimeErrorCode = keyof typeof FAKE_RUNTIME_ERROR_CODES;

/** Structured facts of a {@link FakeRuntimeError}. */
export interface FakeRuntimeErrorDetails {
  /** The event waited for (`WAIT_TIMEOUT`, `WAIT_ABORTED`). */
  readonly event?: string | undefined;
  /** How long was waited (`WAIT_TIMEOUT`). */
  readonly timeoutMs?: number | undefined;
  /** The network, verb and call number of the plugin call where the runtime crashed. */
  readonly network?: string | undefined;
  readonly command?: string | undefined;
  readonly nth?: number | undefined;
  /** The file concerned (`KUBECONFIG_INVALID`). */
  readonly file?: string | undefined;
}

const BRAND = Symbol.for('@multinet/fake-runtime.FakeRuntimeError');

/** The one error class of `@multinet/fake-runtime`; branch on `code`. */
export class FakeRuntimeError extends Error {
  override readonly name = 'FakeRuntimeError';
  /** Brand for {@link isFakeRuntimeError}; survives duplicate package copies. */
  readonly [BRAND] = true;
  /** The stable code. */
  readonly code: FakeRuntimeErrorCode;
  /** Structured facts. */
  readonly details: Readonly<FakeRuntimeErrorDetails>;

  /**
   * @param code - a code from {@link FAKE_RUNTIME_ERROR_CODES}
   * @param message - what happened, to what, and what was expected
   * @param details - structured facts
   * @param options - `cause`
   */
  constructor(code: FakeRuntimeErrorCode, message: string, details: FakeRuntimeErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}

/** True when `e` is a {@link FakeRuntimeError}, even from another copy of this package. */
export function isFakeRuntimeError(e: unknown): e is FakeRuntimeError {
  return typeof e === 'object' && e !== null && BRAND in e;
}
