/**
 * libcni's result cache on disk: `<cacheDir>/results/<net>-<containerId>-<ifName>`, files libcni
 * reads and writes — but written atomically (temp file, fsync, rename, fsync dir), 0600 in 0700.
 */
import { unlinkSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareAtomicWrite, writeFileAtomic } from '@multinet/checkpoint';
import { readTrustedFile } from '../fence/trusted-file.ts';
import {
  CniError,
  buildCacheRecord,
  parseCacheRecord,
  type CacheRecordInput,
  type ParsedCacheRecord,
} from '@multinet/cni-types';

/** The cache file of one attachment. */
export function buildCachePath(cacheDir: string, networkName: string, containerId: string, ifName: string): string {
  return join(cacheDir, 'results', `${networkName}-${containerId}-${ifName}`);
}

/** Which attachment a cache record is for: the parts of its file name. */
export type CacheKey = Pick<CacheRecordInput, 'networkName' | 'containerId' | 'ifName'>;

/** A cache write begun before its result is known, by {@link prepareCachedResultWrite}. */
export interface PreparedCachedResult {
  /**
   * Writes the record (the key given at the start, with `rest`) atomically, and durably unless
   * `fsync` was false.
   *
   * @throws {CniError} CACHE_WRITE_FAILED
   */
  commit(rest: Omit<CacheRecordInput, keyof CacheKey>): Promise<void>;
  /** Gives the write up (the ADD failed): nothing is left in the cache dir. Never rejects. */
  abandon(): Promise<void>;
}

/**
 * Starts the cache write of the attachment `key`: its temp file is made now, off the calling
 * thread, so that an ADD pays for the file's creation (the costly part on most disks) while its
 * plugin runs instead of after it. Call `commit` or `abandon` exactly once.
 */
export function prepareCachedResultWrite(cacheDir: string, key: CacheKey, options: { fsync?: boolean | undefined } = {}): PreparedCachedResult {
  const file = buildCachePath(cacheDir, key.networkName, key.containerId, key.ifName);
  const write = { mode: 0o600, fsync: options.fsync ?? true };
  const prepared = prepareAtomicWrite(file, write);
  return {
    async commit(rest) {
      const input: CacheRecordInput = { ...rest, networkName: key.networkName, containerId: key.containerId, ifName: key.ifName };
      let text: string;
      try {
        text = buildCacheRecord(input);
      } catch (error) {
        await prepared.abandon();
        throw cacheWriteFailed(file, input, error);
      }
      try {
        // The dir almost always exists: make it only when the write says it does not.
        await prepared.commit(text).catch(async (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
          await mkdir(join(cacheDir, 'results'), { recursive: true, mode: 0o700 });
          await writeFileAtomic(file, text, write);
        });
      } catch (error) {
        throw cacheWriteFailed(file, input, error);
      }
    },
    abandon: () => prepared.abandon(),
  };
}

/**
 * Writes an attachment's cache record atomically (and durably unless `fsync` is false).
 *
 * @throws {CniError} CACHE_WRITE_FAILED
 */
export async function writeCachedResult(cacheDir: string, input: CacheRecordInput, options: { fsync?: boolean | undefined } = {}): Promise<void> {
  await prepareCachedResultWrite(cacheDir, input, options).commit(input);
}

function cacheWriteFailed(file: string, input: CacheRecordInput, error: unknown): CniError {
  return new CniError('CACHE_WRITE_FAILED', `cannot write the result cache ${file}: ${(error as Error).message}`, {
    file,
    network: input.networkName,
    ifName: input.ifName,
    containerId: input.containerId,
  }, { cause: error });
}

/**
 * Reads an attachment's cache file. Missing or unreadable: `undefined` (as libcni); so is a file
 * that is not ours alone (another user's, group/world-writable, a symlink).
 *
 * @throws {CniError} CACHE_INVALID when the file exists but is neither a v1 record nor a legacy result
 */
export async function readCachedResult(
  cacheDir: string,
  networkName: string,
  containerId: string,
  ifName: string,
): Promise<ParsedCacheRecord | undefined> {
  const file = buildCachePath(cacheDir, networkName, containerId, ifName);
  const read = await readTrustedFile(file);
  // SECURITY: a file another user owns or may write is never trusted: as if it were missing.
  if (read === undefined || 'untrusted' in read) return undefined;
  return parseCacheRecord(read.text, file);
}

/**
 * Removes an attachment's cache file; a missing one is fine. One `unlink` (every DEL pays it,
 * also in a driver that writes no cache: `rm` would `lstat` first), made in this thread: a
 * directory entry goes in microseconds, less than a trip through the thread pool.
 */
export async function removeCachedResult(cacheDir: string, networkName: string, containerId: string, ifName: string): Promise<void> {
  try {
    unlinkSync(buildCachePath(cacheDir, networkName, containerId, ifName));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** A cached attachment (libcni's `NetworkAttachment`). */
export interface CachedAttachment {
  readonly containerId: string;
  readonly network: string;
  readonly ifName: string;
  /** The config list text used at ADD. */
  readonly configText: string;
  readonly netns?: string | undefined;
  readonly cniArgs?: ReadonlyArray<readonly [string, string]> | undefined;
  readonly capabilityArgs?: Readonly<Record<string, unknown>> | undefined;
  readonly file: string;
}

/**
 * Lists the cached attachments (libcni's `GetCachedAttachments`), sorted by file name,
 * optionally of one container. Unreadable, non-v1 and incomplete files are skipped, and so are
 * files that are not ours alone (another user's, group/world-writable, symlinks), which are
 * reported to `onUntrusted`.
 */
export async function listCachedAttachments(
  cacheDir: string,
  containerId?: string,
  onUntrusted?: (file: string, reason: string) => void,
): Promise<CachedAttachment[]> {
  const dir = join(cacheDir, 'results');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).sort();
  const found: CachedAttachment[] = [];
  for (const name of names) {
    if (containerId !== undefined && !name.includes(`-${containerId}-`)) continue;
    const file = join(dir, name);
    const read = await readTrustedFile(file);
    // SECURITY: a file another user owns or may write is skipped (and reported), never acted on.
    if (read !== undefined && 'untrusted' in read) onUntrusted?.(file, read.untrusted);
    if (read === undefined || 'untrusted' in read) continue;
    let parsed: ParsedCacheRecord;
    try {
      parsed = parseCacheRecord(read.text, file);
    } catch {
      continue;
    }
    if (parsed.kind !== 'v1') continue;
    const { record } = parsed;
    if (!record.ifName || !record.networkName) continue;
    if (containerId !== undefined && record.containerId !== containerId) continue;
    found.push({
      containerId: record.containerId,
      network: record.networkName,
      ifName: record.ifName,
      configText: parsed.configText,
      netns: record.netns,
      cniArgs: record.cniArgs,
      capabilityArgs: record.capabilityArgs,
      file,
    });
  }
  return found;
}
