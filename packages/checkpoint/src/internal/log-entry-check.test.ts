import { describe, expect, it } from 'vitest';
import { checkLogPayload } from './log-entry-check.ts';

const expectRec = {
  kind: 'rec',
  version: 3,
  parse: (data: unknown): { id: string } => {
    const r = data as { id?: unknown };
    if (typeof r?.id !== 'string') throw new Error('not a Rec');
    return { id: r.id };
  },
};
const payload = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('checkLogPayload', () => {
  it('gives the parsed value of an entry of the expected kind and version', () => {
    expect(checkLogPayload(payload({ kind: 'rec', version: 3, data: { id: 'a', extra: 1 } }), 'a', expectRec)).toEqual({ ok: true, value: { id: 'a' } });
  });

  it('calls bytes that are not JSON corrupt, with the parser error as cause', () => {
    const verdict = checkLogPayload(Buffer.from('{"kind":'), 'a', expectRec);
    expect(verdict).toMatchObject({ ok: false, code: 'RECORD_CORRUPT' });
    if (verdict.ok) throw new Error('unreachable');
    expect(verdict.cause).toBeInstanceOf(SyntaxError);
    expect(verdict.reason).toBe(`its entry is not JSON: ${(verdict.cause as Error).message}`);
  });

  it('calls JSON that is not an object corrupt', () => {
    for (const text of ['null', '7', '"s"']) {
      expect(checkLogPayload(Buffer.from(text), 'a', expectRec)).toEqual({ ok: false, code: 'RECORD_CORRUPT', reason: 'its entry is not an object' });
    }
  });

  it('refuses another kind, naming both kinds', () => {
    expect(checkLogPayload(payload({ kind: 'other', version: 3, data: { id: 'a' } }), 'a', expectRec)).toEqual({
      ok: false,
      code: 'RECORD_KIND_MISMATCH',
      reason: 'it holds kind "other", not "rec"',
    });
  });

  it('refuses another version, naming both versions', () => {
    expect(checkLogPayload(payload({ kind: 'rec', version: 4, data: { id: 'a' } }), 'a', expectRec)).toEqual({
      ok: false,
      code: 'RECORD_VERSION_UNSUPPORTED',
      reason: 'it has version 4, not 3',
    });
  });

  it('calls data that parse refuses invalid, with the reason and the cause', () => {
    const verdict = checkLogPayload(payload({ kind: 'rec', version: 3, data: { id: 1 } }), 'a', expectRec);
    expect(verdict).toMatchObject({ ok: false, code: 'RECORD_INVALID', reason: 'it was refused: not a Rec' });
    expect(!verdict.ok && (verdict.cause as Error).message).toBe('not a Rec');
  });

  it('runs check with the parsed value and the key, and calls its throw invalid', () => {
    const seen: unknown[] = [];
    const check = (value: { id: string }, key: string): void => {
      seen.push([value, key]);
      if (value.id !== key) throw 'names another key';
    };
    expect(checkLogPayload(payload({ kind: 'rec', version: 3, data: { id: 'a' } }), 'a', { ...expectRec, check })).toEqual({ ok: true, value: { id: 'a' } });
    expect(checkLogPayload(payload({ kind: 'rec', version: 3, data: { id: 'b' } }), 'a', { ...expectRec, check })).toEqual({
      ok: false,
      code: 'RECORD_INVALID',
      reason: 'it was refused: names another key',
      cause: 'names another key',
    });
    expect(seen).toEqual([
      [{ id: 'a' }, 'a'],
      [{ id: 'b' }, 'a'],
    ]);
  });
});
