/**
 * Multus' 2017 `kubernetes.com/v1` Network object: top-level `plugin` (the delegate's `type`)
 * and `args` (a JSON list whose first object is merged into the delegate config). Pure.
 */
import { z } from 'zod';
import { ObjectMetadataSchema, parseObjectWith, type ObjectSourceRef } from './object-metadata.ts';

/** The API group/version of Multus-2017's Network. */
export const MULTUS2017_NETWORK_API_VERSION = 'kubernetes.com/v1';

/** A Multus-2017 Network as the driver uses it. */
export interface MultusNetworkObject {
  readonly kind: 'MultusNetwork';
  readonly namespace: string;
  readonly name: string;
  /** The delegate plugin `type`. */
  readonly plugin: string;
  /** The first object of `args`, merged into the delegate config. */
  readonly args: Readonly<Record<string, unknown>>;
}

const argsText = z.string().refine((text) => {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
  } catch {
    return false;
  }
}, 'args is not a JSON list of objects');

const MultusNetworkSchema = z.looseObject({
  apiVersion: z.literal(MULTUS2017_NETWORK_API_VERSION),
  kind: z.literal('Network'),
  metadata: ObjectMetadataSchema,
  plugin: z.string().min(1),
  args: argsText.optional(),
});

/**
 * Validates a Multus-2017 Network.
 *
 * @throws {CniError} NETWORK_OBJECT_INVALID naming the object, file and field
 */
export function parseMultusNetwork(value: unknown, source?: ObjectSourceRef): MultusNetworkObject {
  const data = parseObjectWith(MultusNetworkSchema, 'Network (kubernetes.com/v1)', value, source);
  const args = data.args ? ((JSON.parse(data.args) as Array<Record<string, unknown>>)[0] ?? {}) : {};
  return { kind: 'MultusNetwork', namespace: data.metadata.namespace ?? 'default', name: data.metadata.name, plugin: data.plugin, args };
}
