/**
 * The one error class of the CNI package family (`@multinet/cni-types` and
 * `@multinet/cni-driver`, which re-exports it), with a closed table of stable codes.
 *
 * Callers branch on `code`, never on message text. Codes are stable forever: a rename is a new
 * code plus a deprecation of the old one.
 */
export const CNI_ERROR_CODES = {
  // --- configuration and input -------------------------------------------------------------
  /** A conf file, conflist or network config failed to parse or failed schema validation. */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** No network config with the requested name exists in the conf dir. */
  CONFIG_NOT_FOUND: 'CONFIG_NOT_FOUND',
  /** The conf dir holds no `.conf`, `.conflist` or `.json` file at all. */
  NO_CONFIGS_FOUND: 'NO_CONFIGS_FOUND',
  /** A plugin `type` is empty, or contains `/` or `..`: it must be a file name, never a path. */
  PLUGIN_TYPE_INVALID: 'PLUGIN_TYPE_INVALID',
  /** An interface name breaks the Linux rules (1–15 bytes, no `/`, `:`, whitespace, not `.`/`..`). */
  INTERFACE_NAME_INVALID: 'INTERFACE_NAME_INVALID',
  /** Two attachments of one pod would get the same interface name. */
  INTERFACE_NAME_CONFLICT: 'INTERFACE_NAME_CONFLICT',
  /** A container ID is empty or does not match `^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$`. */
  CONTAINER_ID_INVALID: 'CONTAINER_ID_INVALID',
  /** A network name is empty or does not match `^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$`. */
  NETWORK_NAME_INVALID: 'NETWORK_NAME_INVALID',
  /** A `CNI_ARGS` key or value is empty or contains `;` or `=` where it must not. */
  CNI_ARGS_INVALID: 'CNI_ARGS_INVALID',
  /** Capability args are not a JSON object, or a known capability has the wrong shape. */
  CAPABILITY_ARGS_INVALID: 'CAPABILITY_ARGS_INVALID',
  /** A version string is not a CNI version (`x`, `x.y` or `x.y.z`, numeric). */
  VERSION_INVALID: 'VERSION_INVALID',

  // --- plugins --------------------------------------------------------------------------------
  /** No regular file named after the plugin `type` in any plugin dir. */
  PLUGIN_NOT_FOUND: 'PLUGIN_NOT_FOUND',
  /** The plugin could not be started (permission denied, bad interpreter, …). */
  PLUGIN_SPAWN_FAILED: 'PLUGIN_SPAWN_FAILED',
  /** The plugin exited non-zero without a well-known CNI code; see `pluginCode`/`exitCode`. */
  PLUGIN_FAILED: 'PLUGIN_FAILED',
  /** The plugin ran past its timeout; its whole process group was killed. */
  PLUGIN_TIMEOUT: 'PLUGIN_TIMEOUT',
  /** The plugin wrote more than the byte cap to stdout or stderr; it was killed. */
  PLUGIN_OUTPUT_TOO_LARGE: 'PLUGIN_OUTPUT_TOO_LARGE',
  /** The plugin succeeded but its stdout is not JSON, or is empty where a result is required. */
  PLUGIN_OUTPUT_INVALID: 'PLUGIN_OUTPUT_INVALID',
  /** The call was aborted by the caller's `AbortSignal`; the plugin was killed. */
  OPERATION_ABORTED: 'OPERATION_ABORTED',

  // --- CNI well-known error codes reported by plugins (spec §5) --------------------------------
  /** CNI code 1, or no common version between a config/runtime and a plugin. */
  VERSION_INCOMPATIBLE: 'VERSION_INCOMPATIBLE',
  /** CNI code 2: unsupported field in network configuration. */
  UNSUPPORTED_FIELD: 'UNSUPPORTED_FIELD',
  /** CNI code 3: container unknown or does not exist (the runtime need not DEL). */
  UNKNOWN_CONTAINER: 'UNKNOWN_CONTAINER',
  /** CNI code 4: invalid necessary environment variables. */
  INVALID_ENVIRONMENT: 'INVALID_ENVIRONMENT',
  /** CNI code 5: I/O failure in the plugin. */
  IO_FAILURE: 'IO_FAILURE',
  /** CNI code 6: the plugin failed to decode content. */
  DECODING_FAILURE: 'DECODING_FAILURE',
  /** CNI code 7: invalid network config (as judged by the plugin). */
  INVALID_NETWORK_CONFIG: 'INVALID_NETWORK_CONFIG',
  /** CNI code 8: invalid network namespace. */
  INVALID_NETNS: 'INVALID_NETNS',
  /** CNI code 11: try again later; the operation is safe to retry. */
  TRY_AGAIN_LATER: 'TRY_AGAIN_LATER',
  /** CNI code 50 (STATUS): the plugin is not available. */
  NOT_AVAILABLE: 'NOT_AVAILABLE',
  /** CNI code 51 (STATUS): not available, existing containers' connectivity may be limited. */
  NOT_AVAILABLE_LIMITED: 'NOT_AVAILABLE_LIMITED',
  /** CNI code 999: internal plugin error. */
  PLUGIN_INTERNAL: 'PLUGIN_INTERNAL',

  // --- results and versions -------------------------------------------------------------------
  /** A result does not match the schema of its cniVersion. */
  RESULT_INVALID: 'RESULT_INVALID',
  /**
   * @deprecated Never thrown since results of another version are accepted as libcni accepts them
   * (decoded by their own cniVersion, handed on unconverted). Kept so the code stays stable.
   */
  RESULT_VERSION_MISMATCH: 'RESULT_VERSION_MISMATCH',
  /** A result cannot be converted to the requested version (e.g. no IP for 0.2.0). */
  RESULT_CONVERSION_FAILED: 'RESULT_CONVERSION_FAILED',
  /** The version is not one this library knows (0.1.0 … 1.1.0). */
  VERSION_UNSUPPORTED: 'VERSION_UNSUPPORTED',
  /** CHECK was asked of a network whose cniVersion is below 0.4.0. */
  CHECK_NOT_SUPPORTED: 'CHECK_NOT_SUPPORTED',

  // --- cache, records ---------------------------------------------------------------------------
  /** A cache entry exists but is corrupt or has the wrong kind (tolerated on DEL, not on CHECK). */
  CACHE_INVALID: 'CACHE_INVALID',
  /** Writing the result cache failed; the network may be configured anyway. */
  CACHE_WRITE_FAILED: 'CACHE_WRITE_FAILED',
  /** A pod record (checkpoint) does not match its schema. */
  RECORD_INVALID: 'RECORD_INVALID',
  /** Writing or removing a pod record failed. */
  RECORD_WRITE_FAILED: 'RECORD_WRITE_FAILED',

  // --- multi-network pods -----------------------------------------------------------------------
  /** A network object is malformed (missing spec, wrong kind, bad fields). */
  NETWORK_OBJECT_INVALID: 'NETWORK_OBJECT_INVALID',
  /** A pod asks for a network that no object, conf or binary provides. */
  NETWORK_NOT_FOUND: 'NETWORK_NOT_FOUND',
  /** A network-selection annotation or `spec.networks` entry is malformed. */
  SELECTION_INVALID: 'SELECTION_INVALID',
  /** No valid network config exists to serve as the default network. */
  NO_DEFAULT_NETWORK: 'NO_DEFAULT_NETWORK',
  /** An ADD in a pod's setup failed; earlier attachments were rolled back. See `cause`. */
  POD_SETUP_FAILED: 'POD_SETUP_FAILED',
  /** A DEL in a pod's teardown failed; the record keeps the attachment for a retry. */
  POD_TEARDOWN_FAILED: 'POD_TEARDOWN_FAILED',
  /** A manifest file (YAML/JSON) could not be parsed or holds an invalid object. */
  MANIFEST_INVALID: 'MANIFEST_INVALID',
  /** Creating or removing a sandbox (network namespace) failed. */
  SANDBOX_FAILED: 'SANDBOX_FAILED',
  /** The driver was closed; no new operation is accepted. */
  DRIVER_CLOSED: 'DRIVER_CLOSED',
  /** Another live process owns the state dir (its lock is held); the message names the holder. */
  STATE_DIR_LOCKED: 'STATE_DIR_LOCKED',
  /** The state dir's lock could not be taken or checked (no `flock`, unreadable `/proc`, …). */
  STATE_DIR_LOCK_FAILED: 'STATE_DIR_LOCK_FAILED',
  /** A sandbox's netns is the host's own network namespace (or not a namespace path): never acted on. */
  NETNS_UNSAFE: 'NETNS_UNSAFE',
  /** A state or cache dir is not ours, is a symlink, or is group/world-writable. */
  STATE_DIR_UNSAFE: 'STATE_DIR_UNSAFE',
  /** ADD of a new attachment on a running pod failed; the pod's other attachments keep working. */
  ATTACHMENT_FAILED: 'ATTACHMENT_FAILED',
  /** A selection asks for something its format has but the driver cannot map (DANM's own objects). */
  SELECTION_UNSUPPORTED: 'SELECTION_UNSUPPORTED',
  /** A pod names a KEP-3698 PodNetwork or PodNetworkAttachment that does not exist; it is not set up. */
  POD_NETWORK_NOT_FOUND: 'POD_NETWORK_NOT_FOUND',
  /** A pod names a KEP-3698 PodNetwork with `enabled: false`; it is not set up. */
  POD_NETWORK_DISABLED: 'POD_NETWORK_DISABLED',
  /** Removing or adding a default route in a sandbox (NPWG `default-route`) failed; the attachment is undone. */
  DEFAULT_ROUTE_FAILED: 'DEFAULT_ROUTE_FAILED',
} as const;

/** A stable code from {@link CNI_ERROR_CODES}. */
export type CniErrorCode = keyof typeof CNI_ERROR_CODES;

/** CNI spec well-known error codes (spec §5), keyed by number. */
export const CNI_WELL_KNOWN_CODES: Readonly<Record<number, CniErrorCode>> = {
  1: 'VERSION_INCOMPATIBLE',
  2: 'UNSUPPORTED_FIELD',
  3: 'UNKNOWN_CONTAINER',
  4: 'INVALID_ENVIRONMENT',
  5: 'IO_FAILURE',
  6: 'DECODING_FAILURE',
  7: 'INVALID_NETWORK_CONFIG',
  8: 'INVALID_NETNS',
  11: 'TRY_AGAIN_LATER',
  50: 'NOT_AVAILABLE',
  51: 'NOT_AVAILABLE_LIMITED',
  999: 'PLUGIN_INTERNAL',
};

/** Structured facts an error carries besides its message. All optional. */
export interface CniErrorDetails {
  /** The file the error is about (conf file, manifest, record). */
  file?: string | undefined;
  /** The plugin `type` (binary name). */
  plugin?: string | undefined;
  /** The network name. */
  network?: string | undefined;
  /** The interface name inside the container. */
  ifName?: string | undefined;
  /** The container (sandbox) ID. */
  containerId?: string | undefined;
  /** The CNI command that was running (`ADD`, `DEL`, `CHECK`, `GC`, `STATUS`, `VERSION`). */
  command?: string | undefined;
  /** The numeric code the plugin reported (kept as-is, including 100+). */
  pluginCode?: number | undefined;
  /** The `msg` the plugin reported. */
  pluginMsg?: string | undefined;
  /** The `details` the plugin reported. */
  pluginDetails?: string | undefined;
  /** The plugin's exit code, when it exited. */
  exitCode?: number | undefined;
  /** The signal that ended the plugin, when one did. */
  signal?: string | undefined;
  /** The plugin's stderr (capped). */
  stderr?: string | undefined;
  /** Zod issues, for validation errors: `path` and `message` of each. */
  issues?: ReadonlyArray<{ path: string; message: string }> | undefined;
  /** Versions involved, for version errors. */
  versions?: { wanted?: readonly string[] | string; supported?: readonly string[] } | undefined;
  /** Pod identity (`namespace/name`), for pod-level errors. */
  pod?: string | undefined;
}

const BRAND = Symbol.for('@multinet/cni-types.CniError');

/**
 * The error every multinet CNI operation throws for a failure a caller can act on.
 *
 * @example
 * ```ts
 * try { await driver.setUpPod(pod) } catch (e) {
 *   if (isCniError(e) && e.code === 'TRY_AGAIN_LATER') retryLater();
 * }
 * ```
 */
export class CniError extends Error {
  override readonly name = 'CniError';
  /** Brand for {@link isCniError}; survives duplicate package copies. */
  readonly [BRAND] = true;
  /** The stable code. */
  readonly code: CniErrorCode;
  /** Structured facts (plugin, file, network, plugin code, …). */
  readonly details: Readonly<CniErrorDetails>;

  /**
   * @param code - a code from {@link CNI_ERROR_CODES}
   * @param message - what happened, to what, and what was expected
   * @param details - structured facts
   * @param options - `cause`
   */
  constructor(code: CniErrorCode, message: string, details: CniErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = Object.freeze({ ...details });
  }

  /** A plain JSON form (`code`, `message`, details) for status reports and logs. */
  toJSON(): { code: CniErrorCode; message: string } & CniErrorDetails {
    return { code: this.code, message: this.message, ...this.details };
  }
}

/** True when `e` is a {@link CniError}, even from another copy of this package. */
export function isCniError(e: unknown): e is CniError {
  return typeof e === 'object' && e !== null && BRAND in e;
}

/**
 * Turns zod issues into the `issues` detail: each with a dotted path and a message.
 * Pure helper used wherever a schema is checked at a boundary.
 */
export function formatIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): Array<{ path: string; message: string }> {
  return issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '['),
    message: issue.message,
  }));
}
