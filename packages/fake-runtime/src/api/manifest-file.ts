/**
 * Reading a manifest file: multi-document YAML or JSON holding Network objects and Pods.
 */
import { parseAllDocuments } from 'yaml';
import {
  CniError,
  isCniError,
  parseAnyNetworkObject,
  parsePodManifest,
  type AnyNetworkObject,
  type PodManifest,
  type ObjectProblem,
} from '@multinet/cni-driver';
import { MANIFEST_MAX_DEPTH, measureManifestDepth } from './manifest-depth.ts';

/** What one manifest file holds. */
export interface ManifestContents {
  /** Network objects of every kind (patch Network, NAD, PodNetwork, PodNetworkAttachment, Multus-2017 Network). */
  readonly networks: AnyNetworkObject[];
  readonly pods: PodManifest[];
  readonly problems: ObjectProblem[];
}

/**
 * How many alias expansions one document may make (the `yaml` package's `maxAliasCount`, whose
 * default this is): a "billion laughs" alias bomb is refused before it is expanded.
 */
export const MANIFEST_MAX_ALIAS_COUNT = 100;

const problemOf = (file: string, error: unknown): ObjectProblem => ({
  file,
  code: isCniError(error) ? error.code : 'MANIFEST_INVALID',
  message: error instanceof Error ? error.message : String(error),
});

const describeValue = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

/** The YAML documents of a text, or the problem that stops it from being read at all. */
function readDocuments(text: string, file: string): { readonly documents: ReadonlyArray<ReturnType<typeof parseAllDocuments>[number]> } | { readonly problem: ObjectProblem } {
  try {
    // Measured before composing: composing recurses per level, and deep enough aborts the process.
    if (measureManifestDepth(text) > MANIFEST_MAX_DEPTH) {
      return { problem: { file, code: 'MANIFEST_INVALID', message: `invalid YAML in ${file}: collections nest deeper than ${MANIFEST_MAX_DEPTH} levels; refused unparsed` } };
    }
    const parsed = parseAllDocuments(text);
    return { documents: Array.isArray(parsed) ? parsed : [parsed] };
  } catch (error) {
    // e.g. a RangeError from nesting deeper than the parser's stack.
    return { problem: { file, code: 'MANIFEST_INVALID', message: `invalid YAML in ${file}: ${error instanceof Error ? error.message : String(error)}` } };
  }
}

/** A document's value, bounded in alias expansions; throws `MANIFEST_INVALID`. */
function readDocumentValue(document: { toJS(options: { maxAliasCount: number }): unknown }, where: string, file: string): unknown {
  try {
    return document.toJS({ maxAliasCount: MANIFEST_MAX_ALIAS_COUNT });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // yaml throws a ReferenceError for alias trouble (an alias bomb, an unresolved alias).
    const hint = error instanceof ReferenceError ? ` (YAML aliases may expand at most ${MANIFEST_MAX_ALIAS_COUNT} times per document)` : '';
    throw new CniError('MANIFEST_INVALID', `invalid YAML in ${where}: ${reason}${hint}`, { file }, { cause: error });
  }
}

/** The objects of a document: the document itself, or a `List`'s `items`; throws `MANIFEST_INVALID`. */
function selectDocumentItems(value: unknown, where: string, file: string): unknown[] {
  if ((value as { kind?: unknown } | null)?.kind !== 'List') return [value];
  const items = (value as { items?: unknown }).items;
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw new CniError('MANIFEST_INVALID', `invalid List in ${where}: \`items\` must be an array of objects, got ${describeValue(items)}`, { file });
  items.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item) || typeof (item as { kind?: unknown }).kind !== 'string') {
      throw new CniError('MANIFEST_INVALID', `invalid List in ${where}: \`items[${i}]\` must be an object with a \`kind\`, got ${typeof item === 'object' && item !== null && !Array.isArray(item) ? 'an object without one' : describeValue(item)}`, { file });
    }
  });
  return items;
}

/**
 * Parses a manifest's text. Each document is a network object of any kind, a `Pod`, or a `List` of them; other
 * kinds are ignored; a bad document becomes a problem and never stops the others. A document
 * that expands YAML aliases more than {@link MANIFEST_MAX_ALIAS_COUNT} times, or a `List` whose
 * `items` is no array of objects, is a `MANIFEST_INVALID` problem naming the file; so is the
 * whole file when its collections nest deeper than `MANIFEST_MAX_DEPTH` (100). Never throws.
 */
export function parseManifestText(text: string, file: string): ManifestContents {
  const contents: ManifestContents = { networks: [], pods: [], problems: [] };
  const read = readDocuments(text, file);
  if ('problem' in read) {
    contents.problems.push(read.problem);
    return contents;
  }
  read.documents.forEach((document, index) => {
    const where = `${file} (document ${index + 1})`;
    if (document.errors.length > 0) {
      contents.problems.push(problemOf(file, new CniError('MANIFEST_INVALID', `invalid YAML in ${where}: ${document.errors[0]?.message ?? 'parse error'}`, { file })));
      return;
    }
    let items: unknown[];
    try {
      items = selectDocumentItems(readDocumentValue(document, where, file), where, file);
    } catch (error) {
      contents.problems.push(problemOf(file, error));
      return;
    }
    for (const item of items) {
      if (item === null || item === undefined) continue;
      const kind = (item as { kind?: unknown }).kind;
      try {
        if (kind === 'Pod') contents.pods.push(parsePodManifest(item, { file, index }));
        else {
          const network = parseAnyNetworkObject(item, { file, index });
          if (network) contents.networks.push(network);
        }
      } catch (error) {
        contents.problems.push(problemOf(file, error));
      }
    }
  });
  return contents;
}
