/**
 * What `multinet inspect` reads: a state dir as an operator sees it after an incident, read
 * without side effects. It takes no lock (a live `multinet run` holds the driver's), moves no
 * bad record to quarantine and removes no temp file — unlike the checkpoint store's `list()`,
 * which recovers as it reads. So the envelope check below is its own: the same rules as
 * `@multinet/checkpoint` (kind, version, `sha256:` over the data's bytes), on a read-only path.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseEnvelopeText, readRecordLog, type EnvelopeOutcome } from '@multinet/checkpoint';
import {
  buildAttachmentStatus,
  isCniError,
  parsePodRecord,
  POD_RECORD_KIND,
  POD_RECORD_VERSION,
  type AttachmentState,
  type PodRecord,
} from '@multinet/cni-driver';

/** Who holds (or last held) the driver's state dir, from `<driver dir>/owner`. */
export interface StateDirOwnerView {
  readonly pid: number;
  readonly hostname: string;
  readonly since: string;
  /** `true` when that process still runs (same pid and start time, on this host). */
  readonly alive: boolean;
}

/** One attachment of a sandbox record. */
export interface AttachmentView {
  /** The network reference (`namespace/name`, or the conf network's name). */
  readonly network: string;
  readonly interface: string;
  readonly isDefault: boolean;
  /** The state of its last step: `planned`, `adding`, `added`, `deleting` or `del-failed`. */
  readonly state: AttachmentState;
  /** IPs of the ADD result (without prefix); empty until `added`. */
  readonly ips: readonly string[];
  readonly mac?: string | undefined;
  /** The last failure of a step. */
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  /** DELs tried and failed. */
  readonly delAttempts: number;
}

/** One sandbox: its record, or only the runtime's registry entry when the driver has none. */
export interface SandboxView {
  readonly sandboxId: string;
  readonly pod: { readonly namespace: string; readonly name: string; readonly uid: string };
  readonly netns: string;
  /** The record's phase, or `no-record` for a registered sandbox the driver has no record of. */
  readonly phase: PodRecord['phase'] | 'no-record';
  readonly createdAt?: string | undefined;
  readonly updatedAt?: string | undefined;
  readonly attachments: readonly AttachmentView[];
  /** Attachments whose DEL is still owed (`deleting`, or `del-failed` with its last error). */
  readonly pendingDeletes: readonly AttachmentView[];
}

/** A record file that a driver would refuse (and quarantine) the next time it reads it. */
export interface UnreadableRecordView {
  readonly file: string;
  /** `RECORD_CORRUPT`, `RECORD_KIND_MISMATCH`, `RECORD_VERSION_UNSUPPORTED`, `RECORD_INVALID` or `READ_FAILED`. */
  readonly code: string;
  readonly reason: string;
}

/** A record file a driver moved to `pods/quarantine/`. */
export interface QuarantinedFileView {
  readonly file: string;
  /** The sandbox ID the record was written under. */
  readonly key: string;
  readonly bytes: number;
  readonly modifiedAt: string;
}

/** Everything `multinet inspect` shows. */
export interface StateDirInspection {
  readonly stateDir: string;
  /** `runtime` for the state dir of `multinet run`/the fake runtime (driver state in `driver/`), `driver` for a bare driver's. */
  readonly layout: 'runtime' | 'driver';
  /** The driver's own state dir (`<stateDir>/driver` or `<stateDir>`). */
  readonly driverDir: string;
  readonly owner?: StateDirOwnerView | undefined;
  readonly sandboxes: readonly SandboxView[];
  readonly unreadable: readonly UnreadableRecordView[];
  readonly quarantined: readonly QuarantinedFileView[];
}

const RECORD_SUFFIX = '.json';
const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/;
/**
 * Checks a pod record file's envelope with `@multinet/checkpoint`'s own check (kind, version,
 * checksum), which reads and moves nothing. Pure.
 */
export function parsePodRecordEnvelope(text: string): EnvelopeOutcome {
  return parseEnvelopeText(text, { kind: POD_RECORD_KIND, version: POD_RECORD_VERSION });
}

/** The view of a record (pure). */
export function buildSandboxView(record: PodRecord): SandboxView {
  const attachments: AttachmentView[] = record.attachments.map((attachment) => {
    const status = buildAttachmentStatus(attachment);
    return {
      network: attachment.network,
      interface: attachment.ifName,
      isDefault: attachment.isDefault,
      state: attachment.state,
      ips: attachment.state === 'added' ? status.ips : [],
      ...(status.mac ? { mac: status.mac } : {}),
      ...(attachment.error ? { error: attachment.error } : {}),
      delAttempts: attachment.delAttempts,
    };
  });
  return {
    sandboxId: record.sandboxId,
    pod: record.pod,
    netns: record.netns,
    phase: record.phase,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    attachments,
    pendingDeletes: attachments.filter((a) => a.state === 'deleting' || a.state === 'del-failed'),
  };
}

const isDir = (path: string): Promise<boolean> => stat(path).then((s) => s.isDirectory(), () => false);
const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);
const listDir = (path: string): Promise<string[]> => readdir(path).catch((error: NodeJS.ErrnoException) => {
  if (error.code === 'ENOENT') return [];
  throw error;
});

/** The start time of a live process (field 22 of /proc/<pid>/stat), as the driver records it. */
async function readStartTime(pid: number): Promise<string | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[19];
}

async function readOwner(driverDir: string): Promise<StateDirOwnerView | undefined> {
  let owner: { pid?: unknown; startTime?: unknown; hostname?: unknown; since?: unknown };
  try {
    owner = JSON.parse(await readFile(join(driverDir, 'owner'), 'utf8')) as typeof owner;
  } catch {
    return undefined;
  }
  if (typeof owner.pid !== 'number' || typeof owner.startTime !== 'string') return undefined;
  const host = typeof owner.hostname === 'string' ? owner.hostname : '';
  const alive = host === hostname() && (await readStartTime(owner.pid)) === owner.startTime;
  return { pid: owner.pid, hostname: host, since: typeof owner.since === 'string' ? owner.since : '', alive };
}

async function readRuntimeSandboxes(stateDir: string): Promise<Array<{ sandboxId: string; pod: SandboxView['pod']; netns: string; createdAt?: string }>> {
  const dir = join(stateDir, 'sandboxes');
  const entries = [];
  for (const name of (await listDir(dir)).sort()) {
    if (!name.endsWith(RECORD_SUFFIX) || name.startsWith('.')) continue;
    try {
      const envelope = JSON.parse(await readFile(join(dir, name), 'utf8')) as { data?: { sandboxId?: unknown; pod?: SandboxView['pod']; netns?: unknown; createdAt?: unknown } };
      const data = envelope.data;
      if (typeof data?.sandboxId === 'string' && data.pod && typeof data.netns === 'string') {
        entries.push({ sandboxId: data.sandboxId, pod: data.pod, netns: data.netns, ...(typeof data.createdAt === 'string' ? { createdAt: data.createdAt } : {}) });
      }
    } catch {
      // The registry is the runtime's own bookkeeping; a bad entry shows up as nothing here.
    }
  }
  return entries;
}

/**
 * Reads a state dir — of `multinet run` (driver state in `<stateDir>/driver`) or of a bare driver —
 * without taking its lock and without changing anything in it.
 *
 * @returns `undefined` when `stateDir` is not a directory
 */
export async function readStateDir(stateDir: string): Promise<StateDirInspection | undefined> {
  if (!(await isDir(stateDir))) return undefined;
  const nested = join(stateDir, 'driver');
  const layout = (await exists(join(nested, 'pods'))) || (await exists(join(nested, 'records'))) || (await exists(join(nested, 'owner'))) ? 'runtime' : 'driver';
  const driverDir = layout === 'runtime' ? nested : stateDir;
  const podsDir = join(driverDir, 'pods');

  const sandboxes: SandboxView[] = [];
  const unreadable: UnreadableRecordView[] = [];
  for (const name of (await listDir(podsDir)).sort()) {
    const key = name.endsWith(RECORD_SUFFIX) ? name.slice(0, -RECORD_SUFFIX.length) : '';
    if (!KEY_PATTERN.test(key)) continue; // temp files (`.<key>.<random>.tmp`), the quarantine dir
    const file = join(podsDir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed while we read
      unreadable.push({ file, code: 'READ_FAILED', reason: (error as Error).message });
      continue;
    }
    const verdict = parsePodRecordEnvelope(text);
    if (!verdict.ok) {
      unreadable.push({ file, code: verdict.code, reason: verdict.reason });
      continue;
    }
    try {
      sandboxes.push(buildSandboxView(parsePodRecord(verdict.data)));
    } catch (error) {
      unreadable.push({ file, code: isCniError(error) ? error.code : 'RECORD_INVALID', reason: (error as Error).message });
    }
  }

  // The driver's record log (read as it is on disk: no lock, nothing cut or moved).
  const logDir = join(driverDir, 'records');
  try {
    const log = await readRecordLog({ dir: logDir, kind: POD_RECORD_KIND, version: POD_RECORD_VERSION, parse: parsePodRecord });
    for (const { value } of log.records) sandboxes.push(buildSandboxView(value));
    for (const problem of log.problems) unreadable.push({ file: problem.details.file ?? logDir, code: problem.code, reason: problem.message });
  } catch (error) {
    unreadable.push({ file: logDir, code: 'READ_FAILED', reason: (error as Error).message });
  }

  if (layout === 'runtime') {
    const recorded = new Set(sandboxes.map((s) => s.sandboxId));
    for (const entry of await readRuntimeSandboxes(stateDir)) {
      if (recorded.has(entry.sandboxId)) continue;
      sandboxes.push({ ...entry, phase: 'no-record', attachments: [], pendingDeletes: [] });
    }
  }

  const quarantineDir = join(podsDir, 'quarantine');
  const quarantined: QuarantinedFileView[] = [];
  for (const name of (await listDir(quarantineDir)).sort()) {
    if (name.startsWith('.')) continue;
    const info = await stat(join(quarantineDir, name)).catch(() => undefined);
    if (!info?.isFile()) continue;
    // `<key>.<UTC time>.<random>.json`, as the checkpoint store names them.
    const key = /^(.*)\.[^.]+\.[^.]+\.json$/.exec(name)?.[1] ?? name;
    quarantined.push({ file: join(quarantineDir, name), key, bytes: info.size, modifiedAt: info.mtime.toISOString() });
  }

  return {
    stateDir,
    layout,
    driverDir,
    owner: await readOwner(driverDir),
    sandboxes: sandboxes.sort((a, b) => `${a.pod.namespace}/${a.pod.name}/${a.sandboxId}`.localeCompare(`${b.pod.namespace}/${b.pod.name}/${b.sandboxId}`)),
    unreadable,
    quarantined,
  };
}
