/**
 * The checkpoint record of one pod sandbox: what was planned and what was attached, with the
 * exact config bytes, so that teardown needs nothing else.
 */
import { z } from 'zod';
import { CniError, formatIssues } from '../errors.ts';

/** The record kind stored in the checkpoint envelope. */
export const POD_RECORD_KIND = 'podCheckpoint';
/** The record schema version. */
export const POD_RECORD_VERSION = 1;

const ErrorSummarySchema = z.strictObject({ code: z.string(), message: z.string() });

/** One attachment in a pod record. */
export const AttachmentRecordSchema = z.strictObject({
  network: z.string(),
  networkName: z.string(),
  ifName: z.string(),
  isDefault: z.boolean(),
  source: z.enum(['conf', 'thick', 'loopback', 'object']),
  configText: z.string(),
  cniVersion: z.string(),
  cniArgs: z.array(z.tuple([z.string(), z.string()])),
  capabilityArgs: z.record(z.string(), z.unknown()),
  /** planned → adding → added; del-failed when a DEL failed (kept for retry). */
  state: z.enum(['planned', 'adding', 'added', 'del-failed']),
  result: z.record(z.string(), z.unknown()).optional(),
  /** The sandbox interface's MAC, read from the namespace when the result has none (0.1.0/0.2.0). */
  mac: z.string().optional(),
  error: ErrorSummarySchema.optional(),
  delAttempts: z.number().int().nonnegative(),
});
/** One attachment in a pod record. */
export type AttachmentRecord = z.infer<typeof AttachmentRecordSchema>;

/** The record of one pod sandbox. */
export const PodRecordSchema = z.strictObject({
  sandboxId: z.string(),
  netns: z.string(),
  pod: z.strictObject({ namespace: z.string(), name: z.string(), uid: z.string() }),
  phase: z.enum(['setting-up', 'ready', 'tearing-down']),
  createdAt: z.string(),
  updatedAt: z.string(),
  attachments: z.array(AttachmentRecordSchema),
});
/** The record of one pod sandbox. */
export type PodRecord = z.infer<typeof PodRecordSchema>;

/**
 * Validates a pod record's data.
 *
 * @throws {CniError} RECORD_INVALID
 */
export function parsePodRecord(data: unknown): PodRecord {
  const parsed = PodRecordSchema.safeParse(data);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    throw new CniError('RECORD_INVALID', `invalid pod record: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, { issues });
  }
  return parsed.data;
}
