/**
 * Catching the typed error of a call, for tests that look at its code, message and details.
 */
import { isCniError } from '@multinet/cni-types';

/** The CniError `call` throws; fails the test when it returns or throws anything else. */
export function errorOf(call: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    call();
  } catch (error) {
    if (isCniError(error)) return error as never;
    throw error;
  }
  throw new Error('expected a CniError, got a value');
}

/** The first issue of the CniError `call` throws, with its code and whole message. */
export function issueOf(call: () => unknown): { code: string; path: string; message: string; text: string } {
  const error = errorOf(call) as { code: string; message: string; details: { issues?: Array<{ path: string; message: string }> } };
  const issue = error.details.issues![0]!;
  return { code: error.code, path: issue.path, message: issue.message, text: error.message };
}
