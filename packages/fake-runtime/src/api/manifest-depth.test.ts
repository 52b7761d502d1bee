import { describe, expect, it } from 'vitest';
import { MANIFEST_MAX_DEPTH, measureManifestDepth } from './manifest-depth.ts';

describe('measureManifestDepth', () => {
  it.each([
    ['a: 1', 1],
    ['plain scalar', 0],
    ['a:\n  b:\n    - c\n    - [d, {e: f}]', 5],
    ['{"a": [[1]]}', 3],
    ['? [[x]]\n: y', 3],
    ['a: 1\n---\nb: [[[1]]]', 4],
  ])('measures %j as %d levels', (text, depth) => {
    expect(measureManifestDepth(text)).toBe(depth);
  });

  it('stops one level past the limit, even for a hundred thousand levels', () => {
    const levels = 100_000;
    expect(measureManifestDepth(`${'['.repeat(levels)}${']'.repeat(levels)}`)).toBe(MANIFEST_MAX_DEPTH + 1);
    expect(measureManifestDepth(`${'['.repeat(levels)}`, 10)).toBe(11);
  });

  it('measures deep block nesting too', () => {
    const text = Array.from({ length: 150 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x';
    expect(measureManifestDepth(text)).toBe(MANIFEST_MAX_DEPTH + 1);
  });
});
