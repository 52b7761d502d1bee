/**
 * JSON as Go's encoding/json writes a `map[string]interface{}`: keys sorted at every level, and
 * `<`, `>`, `&`, U+2028 and U+2029 escaped. libcni re-marshals every plugin config this way, so
 * writing stdin the same way keeps what plugins receive identical to what libcni sends.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`cannot encode ${value} as JSON`);
  if (Object.is(value, -0)) return '-0';
  const abs = Math.abs(value);
  // Go uses exponent form below 1e-6 and from 1e21 on, with at least two exponent digits.
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(value);
}

/** Encodes a JSON value like Go's `json.Marshal` of decoded JSON (maps sorted by key). */
export function formatJsonLikeGo(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => ESCAPES[c] ?? c);
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(formatJsonLikeGo).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${formatJsonLikeGo(k)}:${formatJsonLikeGo(v)}`).join(',')}}`;
  }
  throw new TypeError(`cannot encode a ${typeof value} as JSON`);
}
