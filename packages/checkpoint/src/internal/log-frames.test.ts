import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { decodeLogFrames, encodeLogFrame, foldLogEntries, OP_PUT, OP_REMOVE, selectPayload } from './log-frames.ts';

/** A frame built by hand: `u32 length | u32 crc | body`, with the crc of `body` unless `crc` is given. */
const rawFrame = (body: Buffer, length = body.length, crc = crc32(body)): Buffer => {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(length, 0);
  header.writeUInt32LE(crc, 4);
  return Buffer.concat([header, body]);
};
const put = (key: string, payload: string): Buffer => encodeLogFrame(OP_PUT, key, Buffer.from(payload));
const removal = (key: string): Buffer => encodeLogFrame(OP_REMOVE, key, undefined);

describe('log frames', () => {
  it('encodes a put as u32 LE body length, u32 LE crc32 of the body, op, key length, key, payload', () => {
    const frame = put('ab', '{"x":1}');
    const body = Buffer.concat([Buffer.from([OP_PUT, 2]), Buffer.from('ab'), Buffer.from('{"x":1}')]);
    expect(frame).toEqual(rawFrame(body));
    expect(frame.readUInt32LE(0)).toBe(11);
  });

  it('encodes a removal as op 2 and the key with no payload', () => {
    expect(removal('key')).toEqual(rawFrame(Buffer.concat([Buffer.from([OP_REMOVE, 3]), Buffer.from('key')])));
  });

  it('decodes the frames it encodes, with their key, payload, offset and length, and no tail', () => {
    const a = put('a', 'first');
    const b = removal('bb');
    const c = put('ccc', '');
    const decoded = decodeLogFrames(Buffer.concat([a, b, c]));
    expect(decoded.tail).toBe('none');
    expect(decoded.goodLength).toBe(a.length + b.length + c.length);
    expect(decoded.entries.map((e) => ({ op: e.op, key: e.key, payload: e.payload.toString(), offset: e.offset, length: e.length }))).toEqual([
      { op: OP_PUT, key: 'a', payload: 'first', offset: 0, length: a.length },
      { op: OP_REMOVE, key: 'bb', payload: '', offset: a.length, length: b.length },
      { op: OP_PUT, key: 'ccc', payload: '', offset: a.length + b.length, length: c.length },
    ]);
  });

  it('finds nothing and no tail in no bytes', () => {
    expect(decodeLogFrames(Buffer.alloc(0))).toEqual({ entries: [], goodLength: 0, tail: 'none' });
  });

  it('accepts the smallest body (op and an empty key)', () => {
    const frame = removal('');
    expect(frame.readUInt32LE(0)).toBe(2);
    const decoded = decodeLogFrames(frame);
    expect(decoded).toMatchObject({ goodLength: 10, tail: 'none' });
    expect(decoded.entries.map((e) => [e.op, e.key])).toEqual([[OP_REMOVE, '']]);
  });

  it('calls a tail torn when it is a header cut short or a frame shorter than its length says', () => {
    const a = put('a', 'one');
    const b = put('b', 'two');
    for (let cut = 1; cut < b.length; cut++) {
      const decoded = decodeLogFrames(Buffer.concat([a, b.subarray(0, cut)]));
      expect(decoded.tail).toBe('torn');
      expect(decoded.goodLength).toBe(a.length);
      expect(decoded.entries.map((e) => e.key)).toEqual(['a']);
    }
  });

  it('calls a body length below 2 corrupt, even when the body is all there with its right checksum', () => {
    const a = put('a', 'x');
    for (const body of [Buffer.alloc(0), Buffer.from([OP_PUT]), Buffer.from([OP_REMOVE])]) {
      const decoded = decodeLogFrames(Buffer.concat([a, rawFrame(body)]));
      expect(decoded).toEqual({ entries: [expect.objectContaining({ key: 'a' })], goodLength: a.length, tail: 'corrupt' });
    }
  });

  it('calls a length beyond 64 MiB corrupt, and a length of exactly 64 MiB with the bytes missing torn', () => {
    const header = (length: number): Buffer => rawFrame(Buffer.from([OP_PUT, 0, 0x7b]), length);
    expect(decodeLogFrames(header((64 << 20) + 1)).tail).toBe('corrupt');
    expect(decodeLogFrames(header(64 << 20)).tail).toBe('torn');
  });

  it('calls a frame with a wrong checksum corrupt, and trusts nothing after it', () => {
    const a = put('a', 'one');
    const bad = put('b', 'two');
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x01;
    const decoded = decodeLogFrames(Buffer.concat([a, bad, put('c', 'three')]));
    expect(decoded).toMatchObject({ goodLength: a.length, tail: 'corrupt' });
    expect(decoded.entries.map((e) => e.key)).toEqual(['a']);
  });

  it('calls a frame with an unknown op corrupt even when its checksum is right', () => {
    for (const op of [0, 3, 255]) {
      const decoded = decodeLogFrames(rawFrame(Buffer.from([op, 1, 0x61])));
      expect(decoded).toEqual({ entries: [], goodLength: 0, tail: 'corrupt' });
    }
  });

  it('calls a frame whose key is longer than its body corrupt', () => {
    expect(decodeLogFrames(rawFrame(Buffer.from([OP_PUT, 2, 0x61]))).tail).toBe('corrupt');
    expect(decodeLogFrames(rawFrame(Buffer.from([OP_PUT, 1, 0x61]))).tail).toBe('none');
  });

  it('folds entries into the last put of each key not removed since, as the whole frame bytes', () => {
    const frames = [put('a', '1'), put('b', '2'), put('a', '3'), removal('b'), put('c', '4'), removal('c'), put('c', '5')];
    const bytes = Buffer.concat(frames);
    const live = foldLogEntries(bytes, decodeLogFrames(bytes).entries);
    expect([...live.keys()]).toEqual(['a', 'c']);
    expect(live.get('a')).toEqual(frames[2]);
    expect(live.get('c')).toEqual(frames[6]);
  });

  it('selects the payload of a frame after its header, op, key length and key', () => {
    expect(selectPayload(put('key', '{"kind":"k"}')).toString()).toBe('{"kind":"k"}');
    expect(selectPayload(put('', 'p')).toString()).toBe('p');
  });
});
