import { describe, expect, it } from 'vitest';
import { parseByteSize } from './byte-size.ts';

describe('parseByteSize', () => {
  it.each([['1048576', 1_048_576], ['512KiB', 524_288], ['1MiB', 1_048_576], [' 7 ', 7]])('reads %j as %d bytes', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each([['0'], ['-1'], ['1.5MiB'], ['1MB'], ['abc'], [''], ['1e3'], ['99999999999999999999']])('refuses %j with a TypeError naming it', (text) => {
    expect(() => parseByteSize(text)).toThrow(new TypeError(`Expected a size like \`1048576\`, \`512KiB\` or \`1MiB\`, got \`${text}\``));
  });
});
