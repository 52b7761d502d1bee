/**
 * Choosing the cniVersion for a thick plugin: ask it (VERSION), intersect with ours, take the
 * highest. Answers are cached per binary and refreshed when the binary changes.
 */
import { statSync } from 'node:fs';
import { CNI_VERSIONS, CniError, selectHighestCommonVersion } from '@multinet/cni-types';
import type { ChainContext } from '../chain/chain-context.ts';
import { getVersionInfo } from '../chain/version-info.ts';

/** Options of {@link createVersionNegotiator}. */
export interface VersionNegotiatorOptions {
  /** The chain context VERSION runs with (the same executor, dirs, limits and env as ADD). */
  readonly context: ChainContext;
  /** The versions we speak. @default CNI_VERSIONS */
  readonly ourVersions?: readonly string[] | undefined;
}

/** Picks versions for thick plugins. */
export interface VersionNegotiator {
  /**
   * The highest version both sides support, for the plugin `type` found at `path`.
   *
   * @throws {CniError} VERSION_INCOMPATIBLE naming both lists, and every VERSION call error
   */
  negotiate(type: string, path: string): Promise<string>;
}

/** Creates a negotiator with a per-binary cache keyed by (path, size, mtime, inode). */
export function createVersionNegotiator(options: VersionNegotiatorOptions): VersionNegotiator {
  const ours = options.ourVersions ?? CNI_VERSIONS;
  const cache = new Map<string, { key: string; answer: Promise<string> }>();
  return {
    async negotiate(type, path) {
      // Synchronous: every pod's plan asks for each of its plugins, and an inode answers from
      // the dentry cache faster than a trip through the thread pool.
      const info = statSync(path);
      const key = `${info.size}:${info.mtimeMs}:${info.ino}`;
      const cached = cache.get(path);
      if (cached && cached.key === key) return cached.answer;
      const answer = getVersionInfo(options.context, type).then(({ supportedVersions }) => {
        const chosen = selectHighestCommonVersion(ours, supportedVersions);
        if (chosen === undefined) {
          throw new CniError(
            'VERSION_INCOMPATIBLE',
            `plugin type="${type}" and multinet share no CNI version: the plugin supports [${supportedVersions.join(', ')}], multinet supports [${ours.join(', ')}]`,
            { plugin: type, versions: { wanted: ours, supported: supportedVersions } },
          );
        }
        return chosen;
      });
      cache.set(path, { key, answer });
      // A failed answer is not kept: the next call asks again.
      answer.catch(() => {
        if (cache.get(path)?.answer === answer) cache.delete(path);
      });
      return answer;
    },
  };
}
