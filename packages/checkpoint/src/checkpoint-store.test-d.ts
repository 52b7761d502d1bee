import { expectTypeOf, test } from 'vitest';
import { createCheckpointStore, isCheckpointError, type CheckpointError, type CheckpointErrorCode, type CheckpointStore } from './index.ts';

interface PodRecord {
  sandboxId: string;
}
declare const parsePodRecord: (data: unknown) => PodRecord;

test('the record type comes from parse', async () => {
  const store = await createCheckpointStore({ dir: '/x', kind: 'podCheckpoint', version: 1, parse: parsePodRecord });
  expectTypeOf(store).toEqualTypeOf<CheckpointStore<PodRecord>>();
  expectTypeOf(store.read).returns.resolves.toEqualTypeOf<PodRecord | undefined>();
  expectTypeOf(store.list).returns.resolves.toEqualTypeOf<{ records: Array<{ key: string; value: PodRecord }>; problems: CheckpointError[] }>();
  expectTypeOf(store.write).parameter(1).toEqualTypeOf<PodRecord>();
});

test('the guard narrows to an error with a closed code', () => {
  const error: unknown = undefined;
  if (isCheckpointError(error)) expectTypeOf(error.code).toEqualTypeOf<CheckpointErrorCode>();
  expectTypeOf<'RECORD_CORRUPT'>().toExtend<CheckpointErrorCode>();
  expectTypeOf<'PLUGIN_FAILED'>().not.toExtend<CheckpointErrorCode>();
});
