/**
 * The entries of a record log, framed and checksummed. Pure.
 *
 * A frame is `u32 bodyLength | u32 crc32(body) | body` (little-endian), the body
 * `u8 op | u8 keyLength | key | payload`: op 1 puts the payload (the record's JSON envelope
 * `{"kind","version","data"}`) under the key, op 2 removes the key (no payload). The key sits
 * outside the payload so that replay never parses JSON.
 */
import { crc32 } from 'node:zlib';

/** Put a record. */
export const OP_PUT = 1;
/** Remove a record. */
export const OP_REMOVE = 2;

const HEADER = 8;
/** No record is near this; a larger length is garbage. */
const MAX_BODY = 64 << 20;

/** One decoded entry; `payload` is a view into the file's bytes. */
export interface LogEntry {
  readonly op: typeof OP_PUT | typeof OP_REMOVE;
  readonly key: string;
  readonly payload: Buffer;
  /** Offset of the frame in the file, and its length. */
  readonly offset: number;
  readonly length: number;
}

/** Encodes one frame. */
export function encodeLogFrame(op: typeof OP_PUT | typeof OP_REMOVE, key: string, payload: Buffer | undefined): Buffer {
  const keyBytes = Buffer.from(key);
  const body = Buffer.allocUnsafe(2 + keyBytes.length + (payload?.length ?? 0));
  body[0] = op;
  body[1] = keyBytes.length;
  keyBytes.copy(body, 2);
  payload?.copy(body, 2 + keyBytes.length);
  const header = Buffer.allocUnsafe(HEADER);
  header.writeUInt32LE(body.length, 0);
  header.writeUInt32LE(crc32(body), 4);
  return Buffer.concat([header, body]);
}

/** What replay found: the good entries, where the good bytes end, and what follows them. */
export interface DecodedLog {
  readonly entries: LogEntry[];
  /** Length of the longest prefix made of whole, good frames. */
  readonly goodLength: number;
  /** Bytes after it: `torn` when they are the start of a frame cut short, `corrupt` otherwise. */
  readonly tail: 'none' | 'torn' | 'corrupt';
}

/**
 * Decodes frames from the start of `bytes` until the end or the first frame that is cut short or
 * fails its checksum. Nothing after that point is trusted.
 */
export function decodeLogFrames(bytes: Buffer): DecodedLog {
  const entries: LogEntry[] = [];
  let off = 0;
  while (off < bytes.length) {
    if (bytes.length - off < HEADER) return { entries, goodLength: off, tail: 'torn' };
    const length = bytes.readUInt32LE(off);
    if (length < 2 || length > MAX_BODY) return { entries, goodLength: off, tail: 'corrupt' };
    if (bytes.length - off - HEADER < length) return { entries, goodLength: off, tail: 'torn' };
    const body = bytes.subarray(off + HEADER, off + HEADER + length);
    const op = body[0];
    const keyLength = body[1]!;
    if (crc32(body) !== bytes.readUInt32LE(off + 4) || (op !== OP_PUT && op !== OP_REMOVE) || 2 + keyLength > length) {
      return { entries, goodLength: off, tail: 'corrupt' };
    }
    entries.push({ op, key: body.toString('utf8', 2, 2 + keyLength), payload: body.subarray(2 + keyLength), offset: off, length: HEADER + length });
    off += HEADER + length;
  }
  return { entries, goodLength: off, tail: 'none' };
}

/**
 * The live frames after replaying `entries` (decoded from `bytes`): the last put of each key not
 * removed since, as views into `bytes` (no copy).
 */
export function foldLogEntries(bytes: Buffer, entries: readonly LogEntry[]): Map<string, Buffer> {
  const frames = new Map<string, Buffer>();
  for (const entry of entries) {
    if (entry.op === OP_PUT) frames.set(entry.key, bytes.subarray(entry.offset, entry.offset + entry.length));
    else frames.delete(entry.key);
  }
  return frames;
}

/** The payload of a put frame (after header, op, key length and key). */
export function selectPayload(frame: Buffer): Buffer {
  return frame.subarray(HEADER + 2 + frame[HEADER + 1]!);
}
