/**
 * libcni's result cache record (`kind: "cniCacheV1"`), read and written byte-compatibly so that
 * libcni tools read ours and we read theirs (and the legacy raw-result form).
 */
import { z } from 'zod';
import { CniError } from '../errors.ts';

/** The JSON libcni writes to `<cacheDir>/results/<net>-<containerId>-<ifName>`. */
export const CacheRecordSchema = z.looseObject({
  kind: z.literal('cniCacheV1'),
  containerId: z.string(),
  config: z.string(),
  ifName: z.string(),
  networkName: z.string(),
  netns: z.string().optional(),
  cniArgs: z.array(z.tuple([z.string(), z.string()])).optional(),
  capabilityArgs: z.record(z.string(), z.unknown()).optional(),
  result: z.record(z.string(), z.unknown()).optional(),
});
/** A libcni cache record. */
export type CacheRecord = z.infer<typeof CacheRecordSchema>;

/** What a cache record holds, before encoding. */
export interface CacheRecordInput {
  readonly containerId: string;
  /** The config list text (stored base64, as Go's `[]byte`). */
  readonly configText: string;
  readonly ifName: string;
  readonly networkName: string;
  readonly netns?: string | undefined;
  readonly cniArgs?: ReadonlyArray<readonly [string, string]> | undefined;
  readonly capabilityArgs?: Readonly<Record<string, unknown>> | undefined;
  readonly result?: object | undefined;
}

function encodeBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function decodeBase64(base64: string): string {
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/**
 * Encodes a cache record as libcni does: the config as base64, empty optional fields left out
 * (Go's `omitempty`), fields in libcni's struct order.
 */
export function buildCacheRecord(input: CacheRecordInput): string {
  const record: Record<string, unknown> = {
    kind: 'cniCacheV1',
    containerId: input.containerId,
    config: encodeBase64(input.configText),
    ifName: input.ifName,
    networkName: input.networkName,
  };
  if (input.netns) record['netns'] = input.netns;
  if (input.cniArgs && input.cniArgs.length > 0) record['cniArgs'] = input.cniArgs;
  if (input.capabilityArgs && Object.keys(input.capabilityArgs).length > 0) record['capabilityArgs'] = input.capabilityArgs;
  if (input.result) record['result'] = input.result;
  return JSON.stringify(record);
}

/** A decoded cache file: a v1 record, or the legacy form (the raw result only). */
export type ParsedCacheRecord =
  | { readonly kind: 'v1'; readonly record: CacheRecord; readonly configText: string }
  | { readonly kind: 'legacy'; readonly result: Record<string, unknown> };

/**
 * Decodes a cache file. Bad JSON or another `kind` falls back to the legacy form (a JSON object
 * taken as a raw result), as libcni's `getLegacyCachedResult`.
 *
 * @throws {CniError} CACHE_INVALID when it is neither
 */
export function parseCacheRecord(text: string, file?: string): ParsedCacheRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CniError('CACHE_INVALID', `cache file${file ? ` ${file}` : ''} is not valid JSON`, { file });
  }
  const v1 = CacheRecordSchema.safeParse(value);
  if (v1.success) {
    try {
      return { kind: 'v1', record: v1.data, configText: decodeBase64(v1.data.config) };
    } catch {
      throw new CniError('CACHE_INVALID', `cache file${file ? ` ${file}` : ''} has a "config" that is not base64 UTF-8`, { file });
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && (value as Record<string, unknown>)['kind'] === undefined) {
    return { kind: 'legacy', result: value as Record<string, unknown> };
  }
  throw new CniError('CACHE_INVALID', `cache file${file ? ` ${file}` : ''} is neither a cniCacheV1 record nor a legacy result`, { file });
}
