/**
 * Which conf dir entries are network configs, in libcni's byte order.
 */
import { describe, expect, it } from 'vitest';
import { compareBytes, selectConfFiles } from './conf-files.ts';

describe('selectConfFiles', () => {
  it('picks .conf, .conflist and .json files only, with the extension matched exactly', () => {
    const names = ['a.conf', 'b.conflist', 'c.json', 'd.conflist.bak', 'e.CONF', 'f.yaml', 'gconf', 'h.conf~', 'i.json.swp'];
    expect(selectConfFiles(names)).toEqual(['a.conf', 'b.conflist', 'c.json']);
  });

  it('ignores dot files, also those with a config extension', () => {
    expect(selectConfFiles(['.10-swap.conf', '.conflist', '.json', '20-real.conflist'])).toEqual(['20-real.conflist']);
  });

  it('sorts in byte order: digits by character, upper case and "_" before lower case', () => {
    expect(selectConfFiles(['a.conf', '9-x.conf', 'B.conf', '10-x.conf', '_.conf'])).toEqual(['10-x.conf', '9-x.conf', 'B.conf', '_.conf', 'a.conf']);
  });

  it('sorts names outside ASCII by their UTF-8 bytes, not their UTF-16 code units', () => {
    // U+FF21 is EF BC A1 in UTF-8, U+1F600 is F0 9F 98 80: the fullwidth letter comes first,
    // though its UTF-16 unit (0xFF21) is above the emoji's high surrogate (0xD83D).
    expect(selectConfFiles(['\u{1F600}.conf', '\uFF21.conf', 'z.conf'])).toEqual(['z.conf', '\uFF21.conf', '\u{1F600}.conf']);
  });

  it('accepts any iterable of names', () => {
    expect(selectConfFiles(new Set(['b.conf', 'a.conf']))).toEqual(['a.conf', 'b.conf']);
  });
});

describe('compareBytes', () => {
  it('orders ASCII strings by character code and returns 0 for equal strings', () => {
    expect(compareBytes('a', 'b')).toBe(-1);
    expect(compareBytes('b', 'a')).toBe(1);
    expect(compareBytes('B', 'a')).toBe(-1);
    expect(compareBytes('ab', 'a')).toBe(1);
    expect(compareBytes('same', 'same')).toBe(0);
  });

  it('orders non-ASCII strings by UTF-8 bytes', () => {
    expect(compareBytes('\uFF21', '\u{1F600}')).toBeLessThan(0);
    expect(compareBytes('\u{1F600}', '\uFF21')).toBeGreaterThan(0);
    expect(compareBytes('\u00e9', '\u00e9')).toBe(0);
    expect(compareBytes('x\uFF21', 'x\u{1F600}')).toBeLessThan(0);
  });
});
