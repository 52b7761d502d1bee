/**
 * What plugins print besides results: the error result and the VERSION answer.
 */
import { z } from 'zod';
import { CniError } from '../errors.ts';

/** The error a plugin prints on stdout when it fails (spec §5). */
export const PluginErrorSchema = z.looseObject({
  cniVersion: z.string().optional(),
  code: z.number().int(),
  msg: z.string().optional(),
  details: z.string().optional(),
});
/** The error a plugin prints on stdout when it fails. */
export type PluginErrorResult = z.infer<typeof PluginErrorSchema>;

/** A plugin's VERSION answer. */
export interface VersionResult {
  readonly cniVersion: string;
  readonly supportedVersions: readonly string[];
}

/**
 * Decodes a VERSION answer like libcni's `PluginDecoder`: `cniVersion` is required; a missing
 * `supportedVersions` means `["0.1.0","0.2.0"]` when `cniVersion` is `0.2.0`, and is an error
 * otherwise.
 *
 * @throws {CniError} PLUGIN_OUTPUT_INVALID
 */
export function parseVersionResult(value: unknown, plugin = 'plugin'): VersionResult {
  const record = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  const cniVersion = record?.['cniVersion'];
  if (typeof cniVersion !== 'string' || cniVersion === '') {
    throw new CniError('PLUGIN_OUTPUT_INVALID', `${plugin} answered VERSION without a "cniVersion"`, { plugin, command: 'VERSION' });
  }
  const supported = record?.['supportedVersions'];
  if (supported === undefined) {
    if (cniVersion === '0.2.0') return { cniVersion, supportedVersions: ['0.1.0', '0.2.0'] };
    throw new CniError('PLUGIN_OUTPUT_INVALID', `${plugin} answered VERSION without "supportedVersions"`, { plugin, command: 'VERSION' });
  }
  if (!Array.isArray(supported) || supported.some((v) => typeof v !== 'string')) {
    throw new CniError('PLUGIN_OUTPUT_INVALID', `${plugin} answered VERSION with a "supportedVersions" that is not a list of strings`, { plugin, command: 'VERSION' });
  }
  return { cniVersion, supportedVersions: supported as string[] };
}
