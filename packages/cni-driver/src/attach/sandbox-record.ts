/**
 * The durable record of one sandbox: every attachment the driver may have made, with the exact
 * config bytes and the state of its last step, so that any later reconcile — after a crash, in
 * another process — can finish or undo that step with nothing else.
 *
 * Write-ahead: an attachment is recorded `adding` before its ADD starts and `deleting` before its
 * DEL starts; `added` (with the result) after its ADD succeeded; it leaves the record only after
 * its DEL succeeded. `del-failed` keeps a failed DEL for a retry.
 */
import { z } from 'zod';
import { CniError, formatIssues, SELECTION_FORMATS } from '@multinet/cni-types';
import { PlannedAttachmentSchema, type PlannedAttachment } from './attachment.ts';

/** The record kind stored in the checkpoint envelope. */
export const POD_RECORD_KIND = 'podCheckpoint';
/** The record schema version (v1 records are read as they are: `planned` means `adding`). */
export const POD_RECORD_VERSION = 1;

/** The state of an attachment's last step. `planned` is v1's name of `adding`. */
export const ATTACHMENT_STATES = ['planned', 'adding', 'added', 'deleting', 'del-failed'] as const;
/** The state of an attachment's last step. */
export type AttachmentState = (typeof ATTACHMENT_STATES)[number];

const ErrorSummarySchema = z.strictObject({ code: z.string(), message: z.string() });

/** One attachment in a sandbox record: the planned attachment and what happened to it. */
export const AttachmentRecordSchema = PlannedAttachmentSchema.extend({
  state: z.enum(ATTACHMENT_STATES),
  /** The ADD result in the config's version. */
  result: z.record(z.string(), z.unknown()).optional(),
  /** The sandbox interface's MAC, read from the namespace when the result has none (0.1.0/0.2.0). */
  mac: z.string().optional(),
  /** The last failure of a step. */
  error: ErrorSummarySchema.optional(),
  /** DELs tried and failed. */
  delAttempts: z.number().int().nonnegative(),
});
/** One attachment in a sandbox record. */
export type AttachmentRecord = z.infer<typeof AttachmentRecordSchema>;

/**
 * The phase of a sandbox: `setting-up` until its first setup finished (a failure rolls all of it
 * back), `ready` once it serves (changes are attachment by attachment), `tearing-down` once
 * nothing is wanted.
 */
export const SANDBOX_PHASES = ['setting-up', 'ready', 'tearing-down'] as const;

/** The record of one pod sandbox. */
export const PodRecordSchema = z.strictObject({
  sandboxId: z.string().min(1),
  netns: z.string(),
  pod: z.strictObject({ namespace: z.string(), name: z.string(), uid: z.string() }),
  phase: z.enum(SANDBOX_PHASES),
  createdAt: z.string(),
  updatedAt: z.string(),
  attachments: z.array(AttachmentRecordSchema),
  /** The selection format the pod's request was last read in, and the formats it ignored. */
  selection: z.strictObject({ format: z.enum(SELECTION_FORMATS), ignored: z.array(z.enum(SELECTION_FORMATS)) }).optional(),
});
/** The record of one pod sandbox. */
export type PodRecord = z.infer<typeof PodRecordSchema>;

/**
 * Validates a sandbox record's data.
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

/** The record form of a planned attachment in `state`. */
export function buildAttachmentRecord(attachment: PlannedAttachment, state: AttachmentState): AttachmentRecord {
  return {
    network: attachment.network,
    networkName: attachment.networkName,
    ifName: attachment.ifName,
    isDefault: attachment.isDefault,
    source: attachment.source,
    configText: attachment.configText,
    cniVersion: attachment.cniVersion,
    cniArgs: attachment.cniArgs.map(([k, v]) => [k, v] as [string, string]),
    capabilityArgs: { ...attachment.capabilityArgs },
    ...(attachment.defaultRoutes ? { defaultRoutes: { removeFamilies: [...attachment.defaultRoutes.removeFamilies], gateways: [...attachment.defaultRoutes.gateways] } } : {}),
    state,
    delAttempts: 0,
  };
}
