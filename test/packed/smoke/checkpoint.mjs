// Runs in a scratch project where only the @multinet/checkpoint tarball is installed.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckpointStore } from '@multinet/checkpoint';

const dir = await mkdtemp(join(tmpdir(), 'multinet-packed-checkpoint-'));
try {
  const store = await createCheckpointStore({ dir: join(dir, 'store'), kind: 'smoke', version: 1, parse: (data) => data });
  await store.write('a', { n: 1 });
  assert.deepEqual(await store.read('a'), { n: 1 });
  assert.deepEqual((await store.list()).records.length, 1);
} finally {
  await rm(dir, { recursive: true, force: true });
}
