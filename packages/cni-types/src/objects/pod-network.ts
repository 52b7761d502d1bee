/**
 * KEP-3698's PodNetwork (cluster-scoped) and PodNetworkAttachment (namespaced). Pure.
 */
import { z } from 'zod';
import { ObjectMetadataSchema, parseObjectWith, type ObjectSourceRef } from './object-metadata.ts';

/** A reference to the parameters of a PodNetwork (e.g. a NetworkAttachmentDefinition). */
export interface ParametersRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string | undefined;
}

/** A PodNetwork as the driver uses it. */
export interface PodNetworkObject {
  readonly kind: 'PodNetwork';
  /** Cluster-scoped: always `''`. */
  readonly namespace: '';
  readonly name: string;
  /** `spec.enabled` (the KEP's default is true). */
  readonly enabled: boolean;
  readonly provider?: string | undefined;
  readonly parametersRefs: readonly ParametersRef[];
}

/** A PodNetworkAttachment as the driver uses it. */
export interface PodNetworkAttachmentObject {
  readonly kind: 'PodNetworkAttachment';
  readonly namespace: string;
  readonly name: string;
  readonly podNetworkName: string;
  readonly parametersRefs: readonly ParametersRef[];
}

const ParametersRefSchema = z.looseObject({ group: z.string(), kind: z.string(), name: z.string().min(1), namespace: z.string().optional() });
const API_VERSION = z.string().refine((v) => v === 'v1' || v.startsWith('multinetwork.') || v.endsWith('/v1alpha1') || v.endsWith('/v1'), 'unknown apiVersion');

const PodNetworkSchema = z.looseObject({
  apiVersion: API_VERSION,
  kind: z.literal('PodNetwork'),
  metadata: ObjectMetadataSchema,
  spec: z.looseObject({
    enabled: z.boolean().optional(),
    provider: z.string().min(1).max(253).optional(),
    parametersRefs: z.array(ParametersRefSchema).optional(),
  }),
});

const PodNetworkAttachmentSchema = z.looseObject({
  apiVersion: API_VERSION,
  kind: z.literal('PodNetworkAttachment'),
  metadata: ObjectMetadataSchema,
  spec: z.looseObject({ podNetworkName: z.string().min(1), parametersRefs: z.array(ParametersRefSchema).optional() }),
});

const refsOf = (refs: ReadonlyArray<z.infer<typeof ParametersRefSchema>> | undefined): ParametersRef[] =>
  (refs ?? []).map((r) => ({ group: r.group, kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) }));

/**
 * Validates a PodNetwork (`enabled` defaults to true, as the KEP's kubebuilder default).
 *
 * @throws {CniError} NETWORK_OBJECT_INVALID naming the object, file and field
 */
export function parsePodNetwork(value: unknown, source?: ObjectSourceRef): PodNetworkObject {
  const { metadata, spec } = parseObjectWith(PodNetworkSchema, 'PodNetwork', value, source);
  return {
    kind: 'PodNetwork',
    namespace: '',
    name: metadata.name,
    enabled: spec.enabled ?? true,
    ...(spec.provider ? { provider: spec.provider } : {}),
    parametersRefs: refsOf(spec.parametersRefs),
  };
}

/**
 * Validates a PodNetworkAttachment (namespace defaults to `default`).
 *
 * @throws {CniError} NETWORK_OBJECT_INVALID naming the object, file and field
 */
export function parsePodNetworkAttachment(value: unknown, source?: ObjectSourceRef): PodNetworkAttachmentObject {
  const { metadata, spec } = parseObjectWith(PodNetworkAttachmentSchema, 'PodNetworkAttachment', value, source);
  return {
    kind: 'PodNetworkAttachment',
    namespace: metadata.namespace ?? 'default',
    name: metadata.name,
    podNetworkName: spec.podNetworkName,
    parametersRefs: refsOf(spec.parametersRefs),
  };
}
