/**
 * The driver's pod records as a test reads and tampers with them: the record log in
 * `<stateDir>/records`, opened for each call and closed after (the driver must be closed
 * meanwhile: one owner at a time).
 */
import { join } from 'node:path';
import { openRecordLog, readRecordLog } from '@multinet/checkpoint';
import { parsePodRecord, POD_RECORD_KIND, POD_RECORD_VERSION, type PodRecord } from '@multinet/cni-driver';

/** Reads and writes records of a closed driver's state dir; `parse` defaults to the real check (pass `(d) => d` to plant a bad record). */
export function openPodRecords(stateDir: string, parse: (data: unknown) => PodRecord = parsePodRecord) {
  const options = { dir: join(stateDir, 'records'), kind: POD_RECORD_KIND, version: POD_RECORD_VERSION, parse };
  return {
    async read(key: string): Promise<PodRecord | undefined> {
      return (await readRecordLog(options)).records.find((r) => r.key === key)?.value;
    },
    async keys(): Promise<string[]> {
      return (await readRecordLog({ ...options, parse: (d: unknown) => d as PodRecord })).records.map((r) => r.key);
    },
    async write(key: string, value: PodRecord): Promise<void> {
      const log = await openRecordLog(options);
      try {
        await log.write(key, value);
      } finally {
        await log.close();
      }
    },
  };
}

/** A valid `ready` record of `sandboxId` with no attachments (fixed times), `patch` laid over it. */
export function readyPodRecord(sandboxId: string, patch: Partial<PodRecord> = {}): PodRecord {
  return {
    sandboxId,
    netns: `/var/run/netns/${sandboxId}`,
    pod: { namespace: 'ns', name: sandboxId, uid: `uid-${sandboxId}` },
    phase: 'ready',
    createdAt: '2026-12-02T00:00:00.000Z',
    updatedAt: '2026-12-02T00:00:00.000Z',
    attachments: [],
    ...patch,
  };
}
