/**
 * JSON as Go's encoding/json writes it. A `map[string]interface{}` has its keys sorted at every
 * level; a struct (a {@link GoStruct}) keeps its field order, down through the structs it holds.
 * `<`, `>`, `&`, U+2028 and U+2029 are escaped. libcni re-marshals every plugin config as a map,
 * with the `prevResult` struct inside, so writing stdin the same way keeps what plugins receive
 * identical to what libcni sends.
 */
import { GoStruct } from './go-result.ts';

const ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

const formatString = (value: string): string => JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => ESCAPES[c] ?? c);

/**
 * Go's float64 encoding: shortest form, exponent form below 1e-6 and from 1e21 on (`1e-7`,
 * `1e+21`), which is exactly what JavaScript's `String(number)` does — except for `-0`.
 */
function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`cannot encode ${value} as JSON`);
  return Object.is(value, -0) ? '-0' : String(value);
}

function encode(value: unknown, sortKeys: boolean, indent: string, depth: number): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return formatString(value);
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const open = indent ? `\n${indent.repeat(depth + 1)}` : '';
  const close = indent ? `\n${indent.repeat(depth)}` : '';
  const sep = indent ? ': ' : ':';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${open}${value.map((v) => encode(v, sortKeys, indent, depth + 1)).join(`,${open}`)}${close}]`;
  }
  if (value instanceof GoStruct) return encodeObject(value.fields, false, indent, depth, open, close, sep);
  if (typeof value === 'object') return encodeObject(value as Record<string, unknown>, sortKeys, indent, depth, open, close, sep);
  throw new TypeError(`cannot encode a ${typeof value} as JSON`);
}

function encodeObject(object: Readonly<Record<string, unknown>>, sortKeys: boolean, indent: string, depth: number, open: string, close: string, sep: string): string {
  const entries = Object.entries(object).filter(([, v]) => v !== undefined);
  if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return '{}';
  return `{${open}${entries.map(([k, v]) => `${formatString(k)}${sep}${encode(v, sortKeys, indent, depth + 1)}`).join(`,${open}`)}${close}}`;
}

/** Encodes a JSON value like Go's `json.Marshal` of decoded JSON (maps sorted by key, structs in order). */
export function formatJsonLikeGo(value: unknown): string {
  return encode(value, true, '', 0);
}

/** Like Go's `json.MarshalIndent(value, "", indent)`. */
export function formatIndentedJsonLikeGo(value: unknown, indent: string): string {
  return encode(value, true, indent, 0);
}
