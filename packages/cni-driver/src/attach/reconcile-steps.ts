/**
 * What a reconcile does: from what a sandbox's record says to what is wanted. Pure.
 */
import { buildAttachmentKey, type PlannedAttachment } from './attachment.ts';
import type { AttachmentRecord, PodRecord } from './sandbox-record.ts';

/** The steps that take a sandbox from its record to what is wanted. */
export interface ReconcileSteps {
  /**
   * Recorded attachments in an unknown or failed state (an ADD or DEL was under way when the
   * process died, or a DEL failed) — or every attachment, when the record never became ready
   * (an interrupted first setup or teardown is rolled back whole). DEL them first, in reverse.
   */
  readonly finish: readonly AttachmentRecord[];
  /** Attachments already made and still wanted: left untouched. */
  readonly keep: ReadonlyArray<{ readonly recorded: AttachmentRecord; readonly wanted: PlannedAttachment }>;
  /** Attachments no longer wanted: DEL in reverse record order, before the ADDs. */
  readonly del: readonly AttachmentRecord[];
  /** New attachments: ADD in wanted order. */
  readonly add: readonly PlannedAttachment[];
  /**
   * The old default network when the default switches to a new attachment: detached only after
   * the new default's ADD succeeded, so the pod always has a working default.
   */
  readonly delLast: readonly AttachmentRecord[];
  /** True when the record is absent or never became ready: a failed ADD rolls everything back. */
  readonly isFirstSetup: boolean;
}

/** True for a recorded attachment whose last step is known to have succeeded. */
export const isSettled = (attachment: AttachmentRecord): boolean => attachment.state === 'added';

/**
 * Diffs a record against the wanted attachments (`[]` tears everything down). An attachment's
 * identity is (network reference, interface name); a wanted one matches the first recorded
 * `added` attachment with the same identity. Everything else of the record is DELeted, and
 * everything else wanted is ADDed.
 */
export function selectReconcileSteps(record: PodRecord | undefined, wanted: readonly PlannedAttachment[]): ReconcileSteps {
  const isFirstSetup = record === undefined || record.phase !== 'ready';
  const recorded = record?.attachments ?? [];
  const finish = isFirstSetup ? recorded : recorded.filter((a) => !isSettled(a));
  const settled = isFirstSetup ? [] : recorded.filter(isSettled);

  const available = new Map<string, AttachmentRecord[]>();
  for (const attachment of settled) {
    const key = buildAttachmentKey(attachment);
    available.set(key, [...(available.get(key) ?? []), attachment]);
  }
  const keep: Array<{ recorded: AttachmentRecord; wanted: PlannedAttachment }> = [];
  const add: PlannedAttachment[] = [];
  for (const attachment of wanted) {
    const match = available.get(buildAttachmentKey(attachment))?.shift();
    if (match) keep.push({ recorded: match, wanted: attachment });
    else add.push(attachment);
  }
  const kept = new Set(keep.map((k) => k.recorded));
  const unwanted = settled.filter((a) => !kept.has(a));

  // A default switch: the old default goes last, unless a new attachment needs its interface.
  const newDefault = add.find((a) => a.isDefault);
  const oldDefault = unwanted.find((a) => a.isDefault);
  const deferOldDefault = newDefault !== undefined && oldDefault !== undefined && !add.some((a) => a.ifName === oldDefault.ifName);
  const delLast = deferOldDefault ? [oldDefault] : [];
  const del = [...unwanted].filter((a) => !delLast.includes(a)).reverse();
  return { finish: [...finish].reverse(), keep, del, add, delLast, isFirstSetup };
}

/** True when the steps change nothing. */
export const isNoChange = (steps: ReconcileSteps): boolean =>
  steps.finish.length === 0 && steps.del.length === 0 && steps.add.length === 0 && steps.delLast.length === 0 && !steps.isFirstSetup;
