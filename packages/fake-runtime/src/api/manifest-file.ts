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

/** What one manifest file holds. */
export interface ManifestContents {
  /** Network objects of every kind (patch Network, NAD, PodNetwork, PodNetworkAttachment, Multus-2017 Network). */
  readonly networks: AnyNetworkObject[];
  readonly pods: PodManifest[];
  readonly problems: ObjectProblem[];
}

const problemOf = (file: string, error: unknown): ObjectProblem => ({
  file,
  code: isCniError(error) ? error.code : 'MANIFEST_INVALID',
  message: error instanceof Error ? error.message : String(error),
});

/**
 * Parses a manifest's text. Each document is a network object of any kind, a `Pod`, or a `List` of them; other
 * kinds are ignored; a bad document becomes a problem and never stops the others.
 */
export function parseManifestText(text: string, file: string): ManifestContents {
  const contents: ManifestContents = { networks: [], pods: [], problems: [] };
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  list.forEach((document, index) => {
    if (document.errors.length > 0) {
      contents.problems.push(problemOf(file, new CniError('MANIFEST_INVALID', `invalid YAML in ${file} (document ${index + 1}): ${document.errors[0]?.message ?? 'parse error'}`, { file })));
      return;
    }
    const value: unknown = document.toJS();
    const items = (value as { kind?: unknown; items?: unknown })?.kind === 'List' ? ((value as { items?: unknown[] }).items ?? []) : [value];
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
