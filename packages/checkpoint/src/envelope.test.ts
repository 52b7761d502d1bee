import { describe, expect, it } from 'vitest';
import { buildChecksum, buildEnvelopeText, parseEnvelopeText } from './envelope.ts';

const expectation = { kind: 'podCheckpoint', version: 3 };

describe('buildEnvelopeText', () => {
  it('writes kind, version, checksum and data in that order, with no trailing newline', () => {
    const text = buildEnvelopeText(expectation, { a: 1 });
    expect(text).toBe(`{"kind":"podCheckpoint","version":3,"checksum":"${buildChecksum('{"a":1}')}","data":{"a":1}}`);
  });

  it('has no text for a value JSON cannot encode', () => {
    expect(buildEnvelopeText(expectation, undefined)).toBeUndefined();
  });
});

describe('parseEnvelopeText', () => {
  it('returns the data of an envelope it wrote', () => {
    const data = { name: 'x', nested: { list: [1, 'two', null, true] }, text: ',"data":}' };
    expect(parseEnvelopeText(buildEnvelopeText(expectation, data)!, expectation)).toEqual({ ok: true, data });
  });

  it('returns data that is not an object, such as a string or null', () => {
    expect(parseEnvelopeText(buildEnvelopeText(expectation, 'plain')!, expectation)).toEqual({ ok: true, data: 'plain' });
    expect(parseEnvelopeText(buildEnvelopeText(expectation, null)!, expectation)).toEqual({ ok: true, data: null });
  });

  it('checks a kind that contains the data key in its own text', () => {
    const odd = { kind: 'a,"data":{}', version: 1 };
    expect(parseEnvelopeText(buildEnvelopeText(odd, [1])!, odd)).toEqual({ ok: true, data: [1] });
  });

  it('refuses an empty file as corrupt', () => {
    expect(parseEnvelopeText('', expectation)).toMatchObject({ ok: false, code: 'RECORD_CORRUPT', reason: expect.stringContaining('empty') });
  });

  it('refuses JSON that is not an envelope', () => {
    expect(parseEnvelopeText('[1,2]', expectation)).toMatchObject({ ok: false, code: 'RECORD_CORRUPT' });
    expect(parseEnvelopeText('{"kind":"podCheckpoint","version":3}', expectation)).toMatchObject({ ok: false, code: 'RECORD_CORRUPT' });
  });

  it('refuses an envelope without a checksum', () => {
    expect(parseEnvelopeText('{"kind":"podCheckpoint","version":3,"data":{}}', expectation)).toMatchObject({ ok: false, code: 'RECORD_CORRUPT', reason: 'it has no checksum' });
  });

  it('names the kind it found and the one it expected', () => {
    const text = buildEnvelopeText({ kind: 'other', version: 3 }, {})!;
    expect(parseEnvelopeText(text, expectation)).toEqual({ ok: false, code: 'RECORD_KIND_MISMATCH', reason: 'its kind is "other", expected "podCheckpoint"' });
  });

  it('names the version it found and the one it expected', () => {
    const text = buildEnvelopeText({ kind: 'podCheckpoint', version: 4 }, {})!;
    expect(parseEnvelopeText(text, expectation)).toEqual({ ok: false, code: 'RECORD_VERSION_UNSUPPORTED', reason: 'its version is 4, expected 3' });
  });

  it('refuses trailing bytes after the envelope', () => {
    const text = buildEnvelopeText(expectation, { a: 1 })!;
    expect(parseEnvelopeText(`${text}}`, expectation)).toMatchObject({ ok: false, code: 'RECORD_CORRUPT' });
  });

  it('checks the checksum of a re-formatted envelope against its re-encoded data', () => {
    const envelope = { kind: 'podCheckpoint', version: 3, checksum: buildChecksum('{"a":2}'), data: { a: 1 } };
    expect(parseEnvelopeText(JSON.stringify(envelope, null, 1), expectation)).toMatchObject({ ok: false, code: 'RECORD_CORRUPT', reason: expect.stringContaining('checksum') });
  });
});
