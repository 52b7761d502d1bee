/**
 * CNI_ARGS: `K=V` pairs joined with `;`.
 */
import { CniError } from './errors.ts';

/** CNI_ARGS as ordered key/value pairs. */
export type CniArgs = ReadonlyArray<readonly [string, string]>;

/**
 * Joins pairs into the CNI_ARGS text. Keys must be non-empty without `;` or `=`; values must be
 * non-empty, without `;`, `=`, NUL or newlines (there is no escaping in CNI_ARGS): what this
 * formats, {@link parseCniArgs} (and cnitool) parse back.
 *
 * @throws {CniError} CNI_ARGS_INVALID
 */
export function formatCniArgs(args: CniArgs): string {
  return args
    .map(([key, value]) => {
      if (key === '' || /[;=\0\n\r]/.test(key)) {
        throw new CniError('CNI_ARGS_INVALID', `invalid CNI_ARGS key ${JSON.stringify(key)}: must be non-empty without ";" or "="`);
      }
      // `;` and `=` would split differently on the plugin's side; NUL and newlines cannot be in an env value.
      if (/[;=\0\n\r]/.test(value)) {
        throw new CniError('CNI_ARGS_INVALID', `invalid CNI_ARGS value for ${key}: ${JSON.stringify(value)} contains ";", "=", NUL or a newline`);
      }
      // cnitool (and parseCniArgs) refuse an empty value: what is formatted must parse back.
      if (value === '') throw new CniError('CNI_ARGS_INVALID', `invalid CNI_ARGS value for ${key}: it is empty`);
      return `${key}=${value}`;
    })
    .join(';');
}

/**
 * Parses CNI_ARGS strictly, like cnitool: every `;` piece must split on `=` into exactly two
 * non-empty parts. `''` is no pairs.
 *
 * @throws {CniError} CNI_ARGS_INVALID
 */
export function parseCniArgs(text: string): Array<[string, string]> {
  if (text === '') return [];
  return text.split(';').map((piece) => {
    const parts = piece.split('=');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new CniError('CNI_ARGS_INVALID', `invalid CNI_ARGS pair "${piece}"`);
    }
    return [parts[0]!, parts[1]!];
  });
}
