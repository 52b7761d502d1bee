/**
 * Reading one manifest file within a size limit: a file over the limit is never read (nor
 * parsed), so a huge or endless file costs a `stat`, not memory.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ObjectProblem } from '@multinet/cni-driver';
import { FAKE_RUNTIME_ERROR_CODES } from '../errors.ts';

/** The default limit on a manifest file's size: 1 MiB. */
export const DEFAULT_MAX_MANIFEST_BYTES = 1024 * 1024;

/** The text of a manifest file, or why it was skipped; `undefined` when it is gone. */
export type ManifestRead = { readonly text: string } | { readonly problem: ObjectProblem } | undefined;

/**
 * Checks a `maxManifestBytes` option.
 *
 * @throws {TypeError} when it is not a positive whole number
 */
export function validateMaxManifestBytes(value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`Expected \`maxManifestBytes\` to be a positive whole number, got \`${JSON.stringify(value) ?? String(value)}\``);
  }
}

/**
 * Reads a manifest file as UTF-8 when it is a regular file of at most `maxBytes`. Never throws:
 * a file over the limit is a `MANIFEST_TOO_LARGE` problem (unread), one that is no regular file
 * or cannot be read a `MANIFEST_INVALID` problem, and one that vanished is `undefined`.
 */
export async function readManifestFile(file: string, maxBytes: number): Promise<ManifestRead> {
  let handle;
  try {
    // O_NONBLOCK: a FIFO named like a manifest must not block the open (it is refused below).
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { problem: { file, code: 'MANIFEST_INVALID', message: `cannot read manifest ${file}: ${error instanceof Error ? error.message : String(error)}` } };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { problem: { file, code: 'MANIFEST_INVALID', message: `manifest ${file} is not a regular file; skipped unread` } };
    const tooLarge = (size: string): ManifestRead => ({
      problem: { file, code: FAKE_RUNTIME_ERROR_CODES.MANIFEST_TOO_LARGE, message: `manifest ${file} is ${size} bytes, over the limit of ${maxBytes} (maxManifestBytes); skipped unread` },
    });
    if (info.size > maxBytes) return tooLarge(String(info.size));
    // The file may grow after the stat: read at most one byte past the limit to tell.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, length);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > maxBytes) return tooLarge(`over ${maxBytes}`);
    }
    return { text: Buffer.concat(chunks, length).toString('utf8') };
  } catch (error) {
    return { problem: { file, code: 'MANIFEST_INVALID', message: `cannot read manifest ${file}: ${error instanceof Error ? error.message : String(error)}` } };
  } finally {
    await handle.close();
  }
}
