/**
 * The error a pod's status carries when its networks could not be set up: the code, the message,
 * and the code of the failure underneath (a `POD_SETUP_FAILED` caused by a `PLUGIN_TIMEOUT`), so
 * that an operator sees what really went wrong without reading the message. Pure.
 */
import { isCniError } from '@multinet/cni-driver';

/** A pod's failure as its status shows it. */
export interface PodFailure {
  /** The stable code of the failure (a `CniError` code, or `fallbackCode`). */
  readonly code: string;
  readonly message: string;
  /** The innermost typed cause's code, when it differs from `code` (e.g. `PLUGIN_TIMEOUT`). */
  readonly causeCode?: string | undefined;
}

/** The code of the innermost typed error in `error`'s cause chain. */
function selectInnermostCode(error: unknown): string | undefined {
  let code: string | undefined;
  const seen = new Set<unknown>();
  for (let current: unknown = error; current !== undefined && current !== null && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    if (isCniError(current)) code = current.code;
  }
  return code;
}

/** Builds the failure of a pod from what was thrown; `fallbackCode` when it is no `CniError`. */
export function buildPodFailure(error: unknown, fallbackCode: string): PodFailure {
  const code = isCniError(error) ? error.code : fallbackCode;
  const message = error instanceof Error ? error.message : String(error);
  const causeCode = selectInnermostCode(error);
  return causeCode !== undefined && causeCode !== code ? { code, message, causeCode } : { code, message };
}
