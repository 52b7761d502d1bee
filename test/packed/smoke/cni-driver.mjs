// Runs in a scratch project where @multinet/cni-driver is installed with only the tarballs of its
// @multinet dependencies: a pod is set up and torn down with the spawner executor (its helper is
// built from the native/spawner.c in the tarball), fake namespace paths and the noop plugin
// shipped in @multinet/fake-runtime (passed as NOOP_PLUGIN_DIR: it is not installed here).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCniDriver, createSpawnerExecutor } from '@multinet/cni-driver';

const pluginDir = process.env.NOOP_PLUGIN_DIR;
assert.ok(pluginDir, 'NOOP_PLUGIN_DIR is not set');
const dir = await mkdtemp(join(tmpdir(), 'multinet-packed-driver-'));
const executor = await createSpawnerExecutor({ cacheDir: join(dir, 'spawner') });
const driver = createCniDriver({ confDir: join(dir, 'net.d'), pluginDirs: [pluginDir], stateDir: join(dir, 'state'), executor, watch: false });
try {
  await mkdir(join(dir, 'net.d'));
  await writeFile(join(dir, 'net.d', '10-podnet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'podnet', plugins: [{ type: 'noop' }] }));
  await driver.sync();
  const status = await driver.setUpPod({ sandboxId: 'packed-sb1', netns: '/var/run/netns/multinet-packed-fake', pod: { namespace: 'default', name: 'web', uid: 'uid-1' } });
  assert.equal(status.networks.length, 1);
  assert.match(status.podIPs[0] ?? '', /^10\.250\./);
  assert.equal((await driver.listSandboxes()).length, 1);
  await driver.tearDownPod('packed-sb1');
  assert.equal((await driver.listSandboxes()).length, 0);
} finally {
  await driver.close();
  await executor.close?.();
  await rm(dir, { recursive: true, force: true });
}
