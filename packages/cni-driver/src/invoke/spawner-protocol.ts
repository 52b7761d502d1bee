/**
 * The frames exchanged with the spawner helper (native/spawner.c). Pure.
 */

const u32 = (value: number): Buffer => {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32LE(value >>> 0, 0);
  return b;
};

/**
 * A run request frame: one buffer, written in place (no per-field allocations). `held`: the
 * plugin starts now, its stdin comes later in a {@link encodeStdinFrame} (type 3, stdin empty).
 */
export function encodeRunFrame(id: number, request: { path: string; env: Readonly<Record<string, string>>; stdin: string; timeoutMs: number; killGraceMs: number; maxOutputBytes: number }, held = false): Buffer {
  const strings = [request.path, ...Object.entries(request.env).map(([k, v]) => `${k}=${v}`), held ? '' : request.stdin];
  const envCount = strings.length - 2;
  let size = 4 + 20 + 4 + 4 * strings.length;
  for (const text of strings) size += Buffer.byteLength(text);
  const frame = Buffer.allocUnsafe(size);
  let off = frame.writeUInt32LE(size - 4, 0);
  off = frame.writeUInt32LE(held ? 3 : 1, off);
  off = frame.writeUInt32LE(id >>> 0, off);
  off = frame.writeUInt32LE(Math.min(request.timeoutMs, 0xffffffff) >>> 0, off);
  off = frame.writeUInt32LE(request.killGraceMs >>> 0, off);
  off = frame.writeUInt32LE(request.maxOutputBytes >>> 0, off);
  const put = (text: string): void => {
    const length = frame.write(text, off + 4);
    frame.writeUInt32LE(length, off);
    off += 4 + length;
  };
  put(strings[0]!);
  off = frame.writeUInt32LE(envCount, off);
  for (let i = 1; i <= envCount; i++) put(strings[i]!);
  put(strings[strings.length - 1]!);
  return frame;
}

/** The stdin of a plugin started held (type 4); the helper ignores it for a run that has ended. */
export function encodeStdinFrame(id: number, stdin: string): Buffer {
  const length = Buffer.byteLength(stdin);
  const frame = Buffer.allocUnsafe(16 + length);
  frame.writeUInt32LE(12 + length, 0);
  frame.writeUInt32LE(4, 4);
  frame.writeUInt32LE(id >>> 0, 8);
  frame.writeUInt32LE(length, 12);
  frame.write(stdin, 16);
  return frame;
}

/** A cancel frame (the caller aborted). */
export function encodeCancelFrame(id: number): Buffer {
  return Buffer.concat([u32(8), u32(2), u32(id)]);
}

/** A decoded response. */
export interface SpawnerResponse {
  readonly id: number;
  /** 0 exited (status = code), 1 signaled (status = signal number), 2 spawn error (status = errno). */
  readonly kind: 0 | 1 | 2;
  readonly status: number;
  /** 1 timed out, 2 output too large, 4 aborted. */
  readonly flags: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/**
 * Splits complete response frames off the front of `pending`; returns them and the rest.
 */
export function decodeResponses(pending: Buffer): { responses: SpawnerResponse[]; rest: Buffer } {
  const responses: SpawnerResponse[] = [];
  let off = 0;
  while (pending.length - off >= 4) {
    const len = pending.readUInt32LE(off);
    if (pending.length - off - 4 < len) break;
    const p = off + 4;
    const outLen = pending.readUInt32LE(p + 16);
    const stdout = pending.subarray(p + 20, p + 20 + outLen);
    const errLen = pending.readUInt32LE(p + 20 + outLen);
    const stderr = pending.subarray(p + 24 + outLen, p + 24 + outLen + errLen);
    responses.push({
      id: pending.readUInt32LE(p),
      kind: pending.readUInt32LE(p + 4) as 0 | 1 | 2,
      status: pending.readInt32LE(p + 8),
      flags: pending.readUInt32LE(p + 12),
      stdout: Buffer.from(stdout),
      stderr: Buffer.from(stderr),
    });
    off += 4 + len;
  }
  return { responses, rest: pending.subarray(off) };
}
