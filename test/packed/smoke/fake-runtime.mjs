// Runs in a scratch project where @multinet/fake-runtime is installed with only the tarballs of
// its @multinet dependencies: the demo pods are set up and torn down with the spawner executor,
// fake namespaces and the fixtures shipped in the package.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSpawnerExecutor } from '@multinet/cni-driver';
import { createFakeRuntime, demoFixturesDir, noopPluginDir } from '@multinet/fake-runtime';

const dir = await mkdtemp(join(tmpdir(), 'multinet-packed-runtime-'));
const executor = await createSpawnerExecutor({ cacheDir: join(dir, 'spawner') });
const runtime = await createFakeRuntime({
  stateDir: join(dir, 'state'),
  confDir: join(demoFixturesDir(), 'net.d'),
  pluginDirs: [noopPluginDir()],
  manifests: [join(demoFixturesDir(), 'manifests')],
  netns: 'fake',
  watch: false,
  executor,
});
try {
  const up = await runtime.syncOnce();
  assert.deepEqual(up.failed, []);
  assert.equal(up.setUp.length, 3);
  for (const pod of runtime.api.listPods()) runtime.api.deletePod(`${pod.namespace}/${pod.name}`);
  const down = await runtime.syncOnce();
  assert.equal(down.tornDown.length, 3);
  assert.equal((await runtime.driver.listSandboxes()).length, 0);
} finally {
  await runtime.close();
  await executor.close?.();
  await rm(dir, { recursive: true, force: true });
}
