/**
 * The runtime's own durable list of sandboxes it created, so that after a restart it removes
 * only namespaces it made (never another runtime's or a test's).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { createCheckpointStore, type CheckpointStore } from '@multinet/checkpoint';

const SandboxEntrySchema = z.strictObject({
  sandboxId: z.string().regex(/^[0-9a-f]{64}$/),
  pod: z.strictObject({ namespace: z.string(), name: z.string(), uid: z.string() }),
  netns: z.string(),
  netnsMode: z.enum(['real', 'fake']),
  createdAt: z.string(),
});

/** One sandbox the runtime created. */
export type SandboxEntry = z.infer<typeof SandboxEntrySchema>;

/** The registry: entries are written before a namespace is made and removed after it is gone. */
export interface SandboxRegistry {
  add(entry: SandboxEntry): Promise<void>;
  remove(sandboxId: string): Promise<void>;
  list(): Promise<SandboxEntry[]>;
}

/** Opens the registry under `<stateDir>/sandboxes` (0700 dir, 0600 files, atomic writes). */
export async function createSandboxRegistry(stateDir: string): Promise<SandboxRegistry> {
  const store: CheckpointStore<SandboxEntry> = await createCheckpointStore({
    dir: join(stateDir, 'sandboxes'),
    kind: 'fakeRuntimeSandbox',
    version: 1,
    parse: (data) => SandboxEntrySchema.parse(data),
  });
  return {
    add: (entry) => store.write(entry.sandboxId, entry),
    remove: (sandboxId) => store.remove(sandboxId),
    async list() {
      const { records } = await store.list();
      return records.map((r) => r.value);
    },
  };
}
