/**
 * What every Kubernetes object we read shares: `metadata` (name, namespace, uid, annotations)
 * and, for messages, where the object came from (a manifest file and document).
 */
import { z } from 'zod';
import { CniError, formatIssues, type CniErrorCode } from '../errors.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label (namespaces, NetworkAttachmentDefinition names): at most 63 characters. */
export const DnsLabelSchema = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(DNS_LABEL, 'must be a DNS-1123 label (lower case alphanumerics and "-", starting and ending with an alphanumeric)');

/** A DNS-1123 subdomain (most object names): at most 253 characters. */
export const DnsSubdomainSchema = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(DNS_SUBDOMAIN, 'must be a DNS-1123 subdomain (lower case alphanumerics, "-" and ".", starting and ending with an alphanumeric)');

/** `metadata` as we read it; unknown fields (labels, ownerReferences, …) are kept. */
export const ObjectMetadataSchema = z.looseObject({
  name: DnsSubdomainSchema,
  /** Absent means `default`, as kubectl does for namespaced objects. */
  namespace: DnsLabelSchema.optional(),
  uid: z.string().min(1).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** Object metadata. */
export type ObjectMetadata = z.infer<typeof ObjectMetadataSchema>;

/** The namespace of an object that names none. */
export const DEFAULT_NAMESPACE = 'default';

/** Where an object came from, for messages: a manifest file, the document in it, the item of a `List`. */
export interface ObjectSourceRef {
  /** The manifest file (or any label of the origin, such as an API path). */
  readonly file?: string | undefined;
  /** Zero-based index of the YAML document in the file (messages count from 1). */
  readonly index?: number | undefined;
  /** Zero-based index of the item in a `kind: List` document (messages count from 1). */
  readonly item?: number | undefined;
}

/**
 * ` in <file> (document <n>[, item <m>])`, or `''` when the origin is unknown.
 * Used by every object parser so that messages name the same place the same way.
 */
export function describeObjectSource(source?: ObjectSourceRef): string {
  if (!source?.file) return '';
  const parts: string[] = [];
  if (source.index !== undefined) parts.push(`document ${source.index + 1}`);
  if (source.item !== undefined) parts.push(`item ${source.item + 1}`);
  return ` in ${source.file}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** `"<namespace>/<name>"` of a raw value when it has a string `metadata.name`, else `''`. */
function describeObjectName(value: unknown): string {
  const metadata = (value as { metadata?: { name?: unknown; namespace?: unknown } } | null | undefined)?.metadata;
  if (typeof metadata?.name !== 'string') return '';
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : DEFAULT_NAMESPACE;
  return ` "${namespace}/${metadata.name}"`;
}

/**
 * The error of an object that failed its schema: `invalid <what> "<ns>/<name>" in <file>
 * (document <n>): <path>: <message>; …`. Not exported from the package.
 */
export function buildObjectError(
  code: CniErrorCode,
  what: string,
  value: unknown,
  source: ObjectSourceRef | undefined,
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): CniError {
  const formatted = formatIssues(issues);
  const reasons = formatted.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  return new CniError(code, `invalid ${what}${describeObjectName(value)}${describeObjectSource(source)}: ${reasons}`, {
    file: source?.file,
    issues: formatted,
  });
}
