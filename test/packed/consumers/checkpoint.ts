// A consumer of @multinet/checkpoint, typechecked under strict NodeNext against the packed tarball.
import { createCheckpointStore, isCheckpointError, type CheckpointStore } from '@multinet/checkpoint';

export async function openStore(dir: string): Promise<CheckpointStore<{ n: number }>> {
  const store = await createCheckpointStore({
    dir,
    kind: 'example',
    version: 1,
    parse: (data) => {
      if (typeof data !== 'object' || data === null || typeof (data as { n?: unknown }).n !== 'number') throw new TypeError('bad');
      return data as { n: number };
    },
  });
  await store.write('a', { n: 1 }).catch((error: unknown) => {
    if (isCheckpointError(error)) throw new Error(error.code);
  });
  return store;
}
