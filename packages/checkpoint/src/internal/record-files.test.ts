import { describe, expect, it } from 'vitest';
import { buildQuarantineFileName, buildTempFileName, isTempFileName, selectRecordKey, validateKey } from './record-files.ts';

describe('record file names', () => {
  it('takes the key from a record file name', () => {
    expect(selectRecordKey('pod-1.json')).toBe('pod-1');
    expect(selectRecordKey('a.b.json')).toBe('a.b');
  });

  it('takes no key from temp files, hidden files or other extensions', () => {
    expect(selectRecordKey('.pod-1.json')).toBeUndefined();
    expect(selectRecordKey('pod-1.json.tmp')).toBeUndefined();
    expect(selectRecordKey('quarantine')).toBeUndefined();
    expect(selectRecordKey('.json')).toBeUndefined();
  });

  it('makes hidden temp names that are never record names', () => {
    const name = buildTempFileName('pod-1', 'abc123');
    expect(name).toBe('.pod-1.abc123.tmp');
    expect(isTempFileName(name)).toBe(true);
    expect(selectRecordKey(name)).toBeUndefined();
    expect(isTempFileName('pod-1.json')).toBe(false);
  });

  it('stamps quarantined names with the UTC time and a random part', () => {
    expect(buildQuarantineFileName('pod-1', new Date('2026-11-24T16:24:51.123Z'), 'ff00')).toBe('pod-1.20261124T162451123Z.ff00.json');
  });

  it('refuses a key that is not a string, with KEY_INVALID', () => {
    expect(() => validateKey(42)).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
  });

  it('quotes the bad key and the expected pattern in the message', () => {
    expect(() => validateKey('a/b')).toThrow('checkpoint key "a/b" is invalid: expected it to match /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/');
  });
});
