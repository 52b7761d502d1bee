/**
 * Identifier rules that libcni checks before ADD (`pkg/utils`).
 */
import { CniError } from './errors.ts';

const ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * Linux interface name rules: 1–15 bytes, not `.` or `..`, no `/`, `:` or whitespace.
 *
 * @throws {CniError} INTERFACE_NAME_INVALID
 */
export function validateInterfaceName(name: string): void {
  const fail = (why: string): never => {
    throw new CniError('INTERFACE_NAME_INVALID', `invalid interface name ${JSON.stringify(name)}: ${why}`, { ifName: name });
  };
  if (name.length === 0) fail('it is empty');
  if (new TextEncoder().encode(name).length > 15) fail('it is longer than 15 bytes');
  if (name === '.' || name === '..') fail('it is "." or ".."');
  if (/[/:\s]/u.test(name)) fail('it contains "/", ":" or whitespace');
}

/**
 * Container IDs are non-empty and match `^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$`.
 *
 * @throws {CniError} CONTAINER_ID_INVALID
 */
export function validateContainerId(id: string): void {
  if (!ID_PATTERN.test(id)) {
    throw new CniError('CONTAINER_ID_INVALID', `invalid container ID ${JSON.stringify(id)}: must match ${ID_PATTERN.source}`, { containerId: id });
  }
}

/**
 * Network names are non-empty and match `^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$`.
 *
 * @throws {CniError} NETWORK_NAME_INVALID
 */
export function validateNetworkName(name: string): void {
  if (!ID_PATTERN.test(name)) {
    throw new CniError('NETWORK_NAME_INVALID', `invalid network name ${JSON.stringify(name)}: must match ${ID_PATTERN.source}`, { network: name });
  }
}
