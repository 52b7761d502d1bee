import { describe, expect, it } from 'vitest';
import { decodeResponses, encodeCancelFrame, encodeRunFrame, encodeStdinFrame } from './spawner-protocol.ts';

/** Reads a run frame back field by field, as native/spawner.c does. */
function readRunFrame(frame: Buffer) {
  let off = 0;
  const next = (): number => {
    const v = frame.readUInt32LE(off);
    off += 4;
    return v;
  };
  const bytes = (): string => {
    const len = next();
    const text = frame.subarray(off, off + len).toString('utf8');
    off += len;
    return text;
  };
  const length = next();
  const type = next();
  const id = next();
  const timeoutMs = next();
  const killGraceMs = next();
  const maxOutputBytes = next();
  const path = bytes();
  const env: string[] = [];
  for (let n = next(); n > 0; n--) env.push(bytes());
  const stdin = bytes();
  return { length, type, id, timeoutMs, killGraceMs, maxOutputBytes, path, env, stdin, end: off };
}

/** A response frame as the helper writes it. */
function responseFrame(id: number, kind: number, status: number, flags: number, out: string, err: string): Buffer {
  const o = Buffer.from(out);
  const e = Buffer.from(err);
  const body = Buffer.alloc(24 + o.length + e.length);
  body.writeUInt32LE(id, 0);
  body.writeUInt32LE(kind, 4);
  body.writeInt32LE(status, 8);
  body.writeUInt32LE(flags, 12);
  body.writeUInt32LE(o.length, 16);
  o.copy(body, 20);
  body.writeUInt32LE(e.length, 20 + o.length);
  e.copy(body, 24 + o.length);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length, 0);
  return Buffer.concat([len, body]);
}

describe('encodeRunFrame', () => {
  it('writes type 1, the id, the bounds, the path, every env pair and stdin, filling the frame exactly', () => {
    const frame = encodeRunFrame(42, { path: '/opt/cni/bin/bridge', env: { CNI_COMMAND: 'ADD', A: 'b=c' }, stdin: '{"x":"é"}', timeoutMs: 5000, killGraceMs: 200, maxOutputBytes: 1 << 20 });
    expect(readRunFrame(frame)).toEqual({
      length: frame.length - 4,
      type: 1,
      id: 42,
      timeoutMs: 5000,
      killGraceMs: 200,
      maxOutputBytes: 1 << 20,
      path: '/opt/cni/bin/bridge',
      env: ['CNI_COMMAND=ADD', 'A=b=c'],
      stdin: '{"x":"é"}',
      end: frame.length,
    });
  });

  it('encodes an empty env and empty stdin', () => {
    const frame = encodeRunFrame(1, { path: '/p', env: {}, stdin: '', timeoutMs: 1, killGraceMs: 2, maxOutputBytes: 3 });
    expect(readRunFrame(frame)).toMatchObject({ env: [], stdin: '', path: '/p', end: frame.length, length: frame.length - 4 });
  });

  it('caps a timeout too large for 32 bits at the largest one', () => {
    const frame = encodeRunFrame(1, { path: '/p', env: {}, stdin: '', timeoutMs: 2 ** 40, killGraceMs: 0, maxOutputBytes: 0 });
    expect(readRunFrame(frame).timeoutMs).toBe(0xffffffff);
  });

  it('keeps ids as unsigned 32-bit numbers', () => {
    expect(readRunFrame(encodeRunFrame(2 ** 32 + 5, { path: '/p', env: {}, stdin: '', timeoutMs: 1, killGraceMs: 1, maxOutputBytes: 1 })).id).toBe(5);
  });
});

describe('a held run', () => {
  it('is a run frame of type 3 without its stdin, which follows in a type 4 frame: the id, then stdin as a string', () => {
    const request = { path: '/p', env: { A: 'b' }, stdin: '{"x":"é"}', timeoutMs: 1, killGraceMs: 2, maxOutputBytes: 3 };
    const run = encodeRunFrame(7, request, true);
    expect(readRunFrame(run)).toMatchObject({ type: 3, id: 7, path: '/p', env: ['A=b'], stdin: '', end: run.length, length: run.length - 4 });
    const stdin = encodeStdinFrame(7, request.stdin);
    const bytes = Buffer.byteLength(request.stdin);
    expect(stdin.length).toBe(16 + bytes);
    expect([stdin.readUInt32LE(0), stdin.readUInt32LE(4), stdin.readUInt32LE(8), stdin.readUInt32LE(12)]).toEqual([12 + bytes, 4, 7, bytes]);
    expect(stdin.subarray(16).toString('utf8')).toBe(request.stdin);
  });
});

describe('encodeCancelFrame', () => {
  it('writes a body of 8 bytes: type 2 and the id', () => {
    const frame = encodeCancelFrame(9);
    expect(frame.length).toBe(12);
    expect([frame.readUInt32LE(0), frame.readUInt32LE(4), frame.readUInt32LE(8)]).toEqual([8, 2, 9]);
  });
});

describe('decodeResponses', () => {
  it('decodes every field, stderr included, and a negative status', () => {
    const { responses, rest } = decodeResponses(Buffer.concat([responseFrame(3, 2, -1, 6, 'out', 'the error'), responseFrame(4, 1, 9, 0, '', '')]));
    expect(responses.map((r) => ({ ...r, stdout: r.stdout.toString(), stderr: r.stderr.toString() }))).toEqual([
      { id: 3, kind: 2, status: -1, flags: 6, stdout: 'out', stderr: 'the error' },
      { id: 4, kind: 1, status: 9, flags: 0, stdout: '', stderr: '' },
    ]);
    expect(rest.length).toBe(0);
  });

  it('returns an incomplete frame as the rest, whole, and decodes it once completed', () => {
    const first = responseFrame(1, 0, 0, 0, 'one', 'e1');
    const second = responseFrame(2, 0, 7, 0, 'two', 'e2');
    const both = Buffer.concat([first, second]);
    for (const cut of [first.length + 2, first.length + 4, both.length - 1]) {
      const { responses, rest } = decodeResponses(both.subarray(0, cut));
      expect(responses.map((r) => r.id)).toEqual([1]);
      expect(rest.equals(both.subarray(first.length, cut))).toBe(true);
      const again = decodeResponses(Buffer.concat([rest, both.subarray(cut)]));
      expect(again.responses.map((r) => [r.id, r.status, r.stdout.toString(), r.stderr.toString()])).toEqual([[2, 7, 'two', 'e2']]);
      expect(again.rest.length).toBe(0);
    }
  });

  it('keeps its answers when the buffer it decoded from is overwritten', () => {
    const buffer = responseFrame(1, 0, 0, 0, 'out', 'err');
    const [response] = decodeResponses(buffer).responses;
    buffer.fill(0);
    expect([response!.stdout.toString(), response!.stderr.toString()]).toEqual(['out', 'err']);
  });
});
