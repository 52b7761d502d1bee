/**
 * NPWG's NetworkAttachmentDefinition (`k8s.cni.cncf.io/v1`): `spec.config` holds a conf, a
 * conflist or a thick `{cniVersion,type}` config; an empty spec means "the conf dir's network
 * of this name" (spec 3.4.1). Pure.
 */
import { z } from 'zod';
import { ObjectMetadataSchema, parseObjectWith, type ObjectSourceRef } from './object-metadata.ts';

/** The API group/version of a NetworkAttachmentDefinition. */
export const NAD_API_VERSION = 'k8s.cni.cncf.io/v1';

/** A NetworkAttachmentDefinition as the driver uses it. */
export interface NetAttachDef {
  readonly kind: 'NetworkAttachmentDefinition';
  readonly namespace: string;
  readonly name: string;
  /** `spec.config` (JSON text); `undefined` for an empty spec. */
  readonly config?: string | undefined;
}

const isJsonObjectText = (text: string): boolean => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
};

const NadSchema = z.looseObject({
  apiVersion: z.literal(NAD_API_VERSION),
  kind: z.literal('NetworkAttachmentDefinition'),
  metadata: ObjectMetadataSchema,
  spec: z
    .looseObject({
      config: z.string().refine((t) => t.trim() === '' || isJsonObjectText(t), 'spec.config is not a JSON object').optional(),
    })
    .optional(),
});

/**
 * Validates a NetworkAttachmentDefinition (namespace defaults to `default`).
 *
 * @throws {CniError} NETWORK_OBJECT_INVALID naming the object, file and field
 */
export function parseNetAttachDef(value: unknown, source?: ObjectSourceRef): NetAttachDef {
  const { metadata, spec } = parseObjectWith(NadSchema, 'NetworkAttachmentDefinition', value, source);
  const config = spec?.config?.trim() ? spec.config : undefined;
  return { kind: 'NetworkAttachmentDefinition', namespace: metadata.namespace ?? 'default', name: metadata.name, ...(config ? { config } : {}) };
}
