import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { parsePodRecordEnvelope } from './inspect-state.ts';

const data = { sandboxId: 's1', attachments: [] };
const json = JSON.stringify(data);
const checksum = `sha256:${createHash('sha256').update(json).digest('hex')}`;
const stored = `{"kind":"podCheckpoint","version":1,"checksum":"${checksum}","data":${json}}`;

describe('parsePodRecordEnvelope', () => {
  it('accepts a record as the checkpoint store writes it, and one pretty-printed by hand', () => {
    expect(parsePodRecordEnvelope(stored)).toEqual({ ok: true, data });
    expect(parsePodRecordEnvelope(JSON.stringify(JSON.parse(stored), null, 2))).toEqual({ ok: true, data });
  });

  it.each([
    ['a torn write', stored.slice(0, -5), 'RECORD_CORRUPT'],
    ['an empty file', '', 'RECORD_CORRUPT'],
    ['altered data', stored.replace('"s1"', '"s2"'), 'RECORD_CORRUPT'],
    ['another kind', stored.replace('podCheckpoint', 'somethingElse'), 'RECORD_KIND_MISMATCH'],
    ['another version', stored.replace('"version":1', '"version":2'), 'RECORD_VERSION_UNSUPPORTED'],
    ['no envelope', '{"sandboxId":"s1"}', 'RECORD_CORRUPT'],
  ])('refuses %s with the checkpoint store code', (_, text, code) => {
    expect(parsePodRecordEnvelope(text)).toMatchObject({ ok: false, code });
  });
});
