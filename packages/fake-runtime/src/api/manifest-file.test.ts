/**
 * Fuzz (fast-check, fixed seed) over manifest text: whatever a manifest file holds, reading it
 * ends in objects and `MANIFEST_INVALID` problems naming the file — never an exception, never a
 * process abort, never a hang.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseManifestText } from './manifest-file.ts';

const RUNS = { seed: 20261202, numRuns: 300 } as const;
const FILE = '/manifests/fuzz.yaml';

/** Pieces of YAML that matter to a hostile reader: nesting, anchors and aliases, tags, Lists, Pods. */
const YAML_PIECE = fc.constantFrom(
  '[', ']', '{', '}', ', ', ': ', '- ', '? ', '\n', '  ', '---\n', '...\n', '&a ', '*a', '&b [*a,*a,*a,*a]', '*b', '"', "'", '|\n', '>\n',
  '!!binary ', '!!str ', '!!map ', '!custom ', '%YAML 1.2\n', '# c\n', 'kind: List\n', 'items: ', 'kind: Pod\n', 'metadata:\n  name: p\n',
  'apiVersion: v1\n', 'uid: 1\n', 'annotations: ', 'spec:\n  networks: ', 'null', '~', '5', 'x', '\t', '\u0000', '\ufeff',
);
const YAML_TEXT = fc.oneof(fc.array(YAML_PIECE, { maxLength: 60 }).map((pieces) => pieces.join('')), fc.string({ maxLength: 200 }));

describe('parseManifestText under fuzz', () => {
  it('ends every text in objects and MANIFEST_INVALID problems naming the file, never an exception', () => {
    fc.assert(
      fc.property(YAML_TEXT, (text) => {
        const contents = parseManifestText(text, FILE);
        for (const problem of contents.problems) {
          expect(problem).toEqual({ file: FILE, code: 'MANIFEST_INVALID', message: expect.stringContaining(FILE) });
        }
        for (const pod of contents.pods) expect(typeof pod.name).toBe('string');
        // What is kept must survive the source's change detection.
        JSON.stringify([contents.networks, contents.pods, contents.problems]);
      }),
      RUNS,
    );
  });

  it('refuses an alias bomb built from any number of levels above the limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 12 }), fc.integer({ min: 4, max: 12 }), (levels, fanout) => {
        const lines = [`l0: &l0 [${Array.from({ length: fanout }, () => '"x"').join(',')}]`];
        for (let i = 1; i < levels; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: fanout }, () => `*l${i - 1}`).join(',')}]`);
        const contents = parseManifestText(lines.join('\n'), FILE);
        expect(contents.problems.map((p) => p.code)).toEqual(['MANIFEST_INVALID']);
        expect(contents.problems[0]?.message).toMatch(/alias/i);
      }),
      { seed: RUNS.seed, numRuns: 40 },
    );
  });
});
