/**
 * How deeply a manifest's collections nest, measured on the `yaml` package's concrete syntax
 * tree (its `Parser` keeps an explicit stack, so any depth is safe to read). Composing the
 * documents recurses once per level, and a few thousand levels — a 6 KB file of brackets —
 * abort the whole process (V8 runs out of memory compiling a RegExp deep in that recursion; no
 * exception to catch). The `yaml` package has no depth limit of its own, so this is one.
 */
import { Parser, type CST } from 'yaml';

/** How deeply a manifest's collections may nest (a Kubernetes object needs well under 30). */
export const MANIFEST_MAX_DEPTH = 100;

/**
 * The deepest nesting of collections (maps, sequences, flow or block) in any document of `text`,
 * counted up to `limit + 1` (the walk stops there). Iterative; never throws for any input.
 */
export function measureManifestDepth(text: string, limit: number = MANIFEST_MAX_DEPTH): number {
  let deepest = 0;
  const stack: Array<{ readonly token: CST.Token; readonly depth: number }> = [];
  for (const token of new Parser().parse(text)) {
    if (token.type === 'document' && token.value) stack.push({ token: token.value, depth: 0 });
    while (stack.length > 0) {
      const { token: node, depth } = stack.pop()!;
      if (!('items' in node)) continue;
      const level = depth + 1;
      if (level > deepest) deepest = level;
      if (deepest > limit) return deepest;
      for (const item of node.items as ReadonlyArray<{ key?: CST.Token | null; value?: CST.Token }>) {
        if (item.key) stack.push({ token: item.key, depth: level });
        if (item.value) stack.push({ token: item.value, depth: level });
      }
    }
  }
  return deepest;
}
