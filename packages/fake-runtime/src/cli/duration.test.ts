import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([['2s', 2000], ['500ms', 500], ['1m', 60_000], ['250', 250], ['1.5s', 1500], [' 3s ', 3000]])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([['0'], ['-1s'], ['2 days'], ['1h'], ['abc'], [''], ['1e3']])('refuses %j with a TypeError naming it', (text) => {
    expect(() => parseDuration(text)).toThrow(new TypeError(`Expected a duration like \`2s\` or \`500ms\`, got \`${text}\``));
  });
});
