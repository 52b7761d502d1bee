import { describe, expect, it } from 'vitest';
import { buildChecksum, parseEnvelopeText } from './envelope.ts';

const EXPECT = { kind: 'k', version: 1 };
/** A record in the layout the store writes, with `data` bytes exactly as given. */
const written = (dataBytes: string, checksum = buildChecksum(dataBytes)): string => `{"kind":"k","version":1,"checksum":"${checksum}","data":${dataBytes}}`;

describe('parseEnvelopeText: the checksum covers the data bytes as written', () => {
  it('accepts data bytes JSON.stringify would write differently, when the checksum covers those bytes', () => {
    expect(parseEnvelopeText(written('{"n":1.0, "s":"\\u0041"}'), EXPECT)).toEqual({ ok: true, data: { n: 1, s: 'A' } });
  });

  it('accepts them with a trailing newline too', () => {
    expect(parseEnvelopeText(`${written('[1.50]')}\n`, EXPECT)).toEqual({ ok: true, data: [1.5] });
  });

  it('refuses data bytes that are not JSON even when the checksum matches them', () => {
    expect(parseEnvelopeText(written('nope'), EXPECT)).toEqual({ ok: false, code: 'RECORD_CORRUPT', reason: 'its data is not JSON' });
  });
});

describe('parseEnvelopeText: reasons', () => {
  it('says a file of only blanks is empty', () => {
    expect(parseEnvelopeText(' \n\t', EXPECT)).toEqual({ ok: false, code: 'RECORD_CORRUPT', reason: 'the file is empty (torn write?)' });
  });

  it('says text that is not JSON is not JSON, with the parser message', () => {
    const outcome = parseEnvelopeText('{"kind":', EXPECT);
    expect(outcome).toMatchObject({ ok: false, code: 'RECORD_CORRUPT' });
    expect((outcome as { reason: string }).reason).toMatch(/^it is not JSON \(torn write\?\): .+/);
  });

  it.each([['null'], ['[{"data":1}]'], ['"data"'], ['7'], ['{"kind":"k","version":1,"checksum":"sha256:00"}']])('says %s is not a record envelope', (text) => {
    expect(parseEnvelopeText(text, EXPECT)).toEqual({ ok: false, code: 'RECORD_CORRUPT', reason: 'it is not a record envelope {kind, version, checksum, data}' });
  });

  it('says "missing" for an envelope without a kind or a version', () => {
    expect(parseEnvelopeText('{"version":1,"checksum":"x","data":1}', EXPECT)).toMatchObject({ code: 'RECORD_KIND_MISMATCH', reason: 'its kind is missing, expected "k"' });
    expect(parseEnvelopeText('{"kind":"k","checksum":"x","data":1}', EXPECT)).toMatchObject({ code: 'RECORD_VERSION_UNSUPPORTED', reason: 'its version is missing, expected 1' });
  });

  it('judges an envelope whose head is not our layout by a full parse', () => {
    const text = `{"kind" : "k","version":1,"checksum":"${buildChecksum('2')}","data":2}`;
    expect(parseEnvelopeText(text, EXPECT)).toEqual({ ok: true, data: 2 });
    expect(parseEnvelopeText(`{"kind":"k","version":1,"extra":{"data":1},"checksum":"${buildChecksum('3')}","data":3}`, EXPECT)).toEqual({ ok: true, data: 3 });
  });

  it('refuses a record whose data was changed after its checksum, in either layout', () => {
    expect(parseEnvelopeText(written('1', buildChecksum('2')), EXPECT)).toEqual({ ok: false, code: 'RECORD_CORRUPT', reason: 'checksum mismatch (torn or altered)' });
    expect(parseEnvelopeText(`{ "kind":"k","version":1,"checksum":"${buildChecksum('2')}","data":1}`, EXPECT)).toEqual({ ok: false, code: 'RECORD_CORRUPT', reason: 'checksum mismatch (torn or altered)' });
  });
});
