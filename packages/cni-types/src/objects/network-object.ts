/**
 * The network object of the 2017 multi-network kubelet patch (`alpha.network.k8s.io/v1`,
 * `Network`, namespaced): thin when `spec.plugin` is empty (the conf network of the same name),
 * thick when it names a plugin binary.
 */
import { z } from 'zod';
import { CniError, formatIssues } from '../errors.ts';
import { describeObjectSource, type ObjectSourceRef } from './object-metadata.ts';

/** The API group/version of the patch's Network object. */
export const NETWORK_OBJECT_API_VERSION = 'alpha.network.k8s.io/v1';

const MetadataSchema = z.looseObject({
  name: z.string().min(1, 'metadata.name is required'),
  namespace: z.string().min(1).optional(),
  uid: z.string().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** The patch's Network object as found in a manifest or the API. */
export const NetworkObjectSchema = z.looseObject({
  apiVersion: z.literal(NETWORK_OBJECT_API_VERSION),
  kind: z.literal('Network'),
  metadata: MetadataSchema,
  spec: z.looseObject({ plugin: z.string().nullish() }, { error: 'missing spec' }),
});

/** A network a pod can name: thin (conf network) or thick (plugin binary). */
export interface NetworkObject {
  /** The patch's objects have no kind field of their own in this model; `Network` when set. */
  readonly kind?: 'Network' | undefined;
  readonly namespace: string;
  readonly name: string;
  /** The plugin binary of a thick network; `undefined` for a thin one. */
  readonly plugin?: string | undefined;
}

export type { ObjectSourceRef } from './object-metadata.ts';
const describeSource = describeObjectSource;

/**
 * Validates a Network object. A missing `spec` is an error, as in the patch
 * (`invalid kube network object … (missing spec)`).
 *
 * @throws {CniError} NETWORK_OBJECT_INVALID naming the file and document
 */
export function parseNetworkObject(value: unknown, source?: ObjectSourceRef): NetworkObject {
  const parsed = NetworkObjectSchema.safeParse(value);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    const name = (value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
    throw new CniError(
      'NETWORK_OBJECT_INVALID',
      `invalid network object${typeof name === 'string' ? ` "${name}"` : ''}${describeSource(source)}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      { file: source?.file, issues },
    );
  }
  const { metadata, spec } = parsed.data;
  const plugin = spec.plugin?.trim();
  return { namespace: metadata.namespace ?? 'default', name: metadata.name, ...(plugin ? { plugin } : {}) };
}

/** A pod as a manifest describes it (the subset networking needs). */
export interface PodManifest {
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string | undefined;
  readonly annotations: Readonly<Record<string, string>>;
  /** KEP-3698 `spec.networks`, kept as given. */
  readonly networks?: readonly unknown[] | undefined;
}

const PodSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Pod'),
  metadata: MetadataSchema,
  spec: z.looseObject({ networks: z.array(z.unknown()).optional() }).optional(),
});

/**
 * Validates a v1 Pod manifest (namespace defaults to `default`).
 *
 * @throws {CniError} MANIFEST_INVALID naming the file and document
 */
export function parsePodManifest(value: unknown, source?: ObjectSourceRef): PodManifest {
  const parsed = PodSchema.safeParse(value);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    throw new CniError('MANIFEST_INVALID', `invalid pod${describeSource(source)}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, {
      file: source?.file,
      issues,
    });
  }
  const { metadata, spec } = parsed.data;
  return {
    namespace: metadata.namespace ?? 'default',
    name: metadata.name,
    ...(metadata.uid ? { uid: metadata.uid } : {}),
    annotations: metadata.annotations ?? {},
    ...(spec?.networks ? { networks: spec.networks } : {}),
  };
}
