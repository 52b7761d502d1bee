/**
 * Go's encoding/json output: map keys sorted, struct fields in order, HTML-safe escapes, float
 * formatting, and MarshalIndent's layout.
 */
import { describe, expect, it } from 'vitest';
import { formatIndentedJsonLikeGo, formatJsonLikeGo } from './go-json.ts';
import { GoStruct } from './go-result.ts';

describe('formatJsonLikeGo', () => {
  it('escapes <, >, &, U+2028 and U+2029 as Go does, and leaves other characters as JSON.stringify writes them', () => {
    expect(formatJsonLikeGo('a<b>c&d\u2028e\u2029f"g\\h\ni')).toBe('"a\\u003cb\\u003ec\\u0026d\\u2028e\\u2029f\\"g\\\\h\\ni"');
    expect(formatJsonLikeGo('plain ascii')).toBe('"plain ascii"');
  });

  it('escapes object keys the same way as string values', () => {
    expect(formatJsonLikeGo({ '<k>': '&' })).toBe('{"\\u003ck\\u003e":"\\u0026"}');
  });

  it('writes numbers in Go float64 form, keeping the sign of -0', () => {
    expect(formatJsonLikeGo(-0)).toBe('-0');
    expect(formatJsonLikeGo(0)).toBe('0');
    expect(formatJsonLikeGo(1.5)).toBe('1.5');
    expect(formatJsonLikeGo(1e21)).toBe('1e+21');
    expect(formatJsonLikeGo(1e-7)).toBe('1e-7');
    expect(formatJsonLikeGo([-0, 2])).toBe('[-0,2]');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('refuses the non-finite number %s with a TypeError', (value) => {
    expect(() => formatJsonLikeGo(value)).toThrow(TypeError);
    expect(() => formatJsonLikeGo(value)).toThrow(`cannot encode ${value} as JSON`);
  });

  it('writes null for null and undefined, and true/false for booleans', () => {
    expect(formatJsonLikeGo(null)).toBe('null');
    expect(formatJsonLikeGo(undefined)).toBe('null');
    expect(formatJsonLikeGo(true)).toBe('true');
    expect(formatJsonLikeGo(false)).toBe('false');
    expect(formatJsonLikeGo([null, undefined, true, false])).toBe('[null,null,true,false]');
  });

  it('sorts map keys at every level in byte order and leaves out undefined members', () => {
    const value = { b: 1, a: { z: true, y: [{ d: 'x', c: 'y' }] }, C: undefined, _: null, B: 2 };
    expect(formatJsonLikeGo(value)).toBe('{"B":2,"_":null,"a":{"y":[{"c":"y","d":"x"}],"z":true},"b":1}');
  });

  it('keeps the field order of a Go struct and of the structs it holds, inside a sorted map', () => {
    const value = { z: new GoStruct({ zeta: 1, alpha: [new GoStruct({ b: 2, a: 1 })], mid: new GoStruct({ y: 1, x: 2 }), gone: undefined }), a: 0 };
    expect(formatJsonLikeGo(value)).toBe('{"a":0,"z":{"zeta":1,"alpha":[{"b":2,"a":1}],"mid":{"y":1,"x":2}}}');
  });

  it('writes empty arrays, maps, structs and objects whose members are all undefined as [] and {}', () => {
    expect(formatJsonLikeGo([])).toBe('[]');
    expect(formatJsonLikeGo({})).toBe('{}');
    expect(formatJsonLikeGo(new GoStruct({}))).toBe('{}');
    expect(formatJsonLikeGo({ a: undefined })).toBe('{}');
    expect(formatJsonLikeGo({ list: [], map: {} })).toBe('{"list":[],"map":{}}');
  });

  it('refuses values JSON cannot hold with a TypeError naming their type', () => {
    expect(() => formatJsonLikeGo(() => 1)).toThrow('cannot encode a function as JSON');
    expect(() => formatJsonLikeGo(10n)).toThrow(TypeError);
    expect(() => formatJsonLikeGo({ a: Symbol('s') })).toThrow('cannot encode a symbol as JSON');
  });
});

describe('formatIndentedJsonLikeGo', () => {
  it('lays out nested maps, arrays and structs as json.MarshalIndent does', () => {
    const value = { b: [1, { y: 2, x: 1 }], a: new GoStruct({ k: 'v', e: [] }), c: {} };
    expect(formatIndentedJsonLikeGo(value, '  ')).toBe(
      ['{', '  "a": {', '    "k": "v",', '    "e": []', '  },', '  "b": [', '    1,', '    {', '      "x": 1,', '      "y": 2', '    }', '  ],', '  "c": {}', '}'].join('\n'),
    );
  });

  it('uses the indent string it is given at each depth', () => {
    expect(formatIndentedJsonLikeGo({ a: [1] }, '\t')).toBe('{\n\t"a": [\n\t\t1\n\t]\n}');
  });

  it('writes scalars without any layout', () => {
    expect(formatIndentedJsonLikeGo('x', '  ')).toBe('"x"');
    expect(formatIndentedJsonLikeGo(3, '  ')).toBe('3');
  });

  it('with an empty indent writes the compact form', () => {
    expect(formatIndentedJsonLikeGo({ b: 1, a: [1, 2] }, '')).toBe('{"a":[1,2],"b":1}');
  });
});
