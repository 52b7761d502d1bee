/**
 * Shared pieces of the network object parsers: metadata, where an object came from, and the
 * error every malformed object gets. Pure.
 */
import { z } from 'zod';
import { CniError, formatIssues } from '../errors.ts';

/** `metadata` as the network object kinds use it. */
export const ObjectMetadataSchema = z.looseObject({
  name: z.string().min(1, 'metadata.name is required'),
  namespace: z.string().min(1).optional(),
  uid: z.string().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** Where an object came from, for messages. */
export interface ObjectSourceRef {
  readonly file?: string | undefined;
  readonly index?: number | undefined;
}

/** ` in FILE (document N)`, or nothing. */
export const describeObjectSource = (source?: ObjectSourceRef): string =>
  source?.file ? ` in ${source.file}${source.index === undefined ? '' : ` (document ${source.index + 1})`}` : '';

/**
 * Validates `value` with `schema`, or throws NETWORK_OBJECT_INVALID naming the kind, the object,
 * the source and each field.
 */
export function parseObjectWith<S extends z.ZodType>(schema: S, kind: string, value: unknown, source?: ObjectSourceRef): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = formatIssues(parsed.error.issues);
  const name = (value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  throw new CniError(
    'NETWORK_OBJECT_INVALID',
    `invalid ${kind}${typeof name === 'string' ? ` "${name}"` : ''}${describeObjectSource(source)}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
    { file: source?.file, issues },
  );
}
