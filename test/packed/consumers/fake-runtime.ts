// A consumer of @multinet/fake-runtime, typechecked under strict NodeNext against the packed tarball.
import { createFakeRuntime, demoFixturesDir, noopPluginDir, type FakeRuntime, type SyncReport } from '@multinet/fake-runtime';
import { join } from 'node:path';

export async function runOnce(stateDir: string): Promise<SyncReport> {
  const runtime: FakeRuntime = await createFakeRuntime({
    stateDir,
    confDir: join(demoFixturesDir(), 'net.d'),
    pluginDirs: [noopPluginDir()],
    manifests: [join(demoFixturesDir(), 'manifests')],
    netns: 'fake',
    watch: false,
  });
  try {
    return await runtime.syncOnce();
  } finally {
    await runtime.close();
  }
}
