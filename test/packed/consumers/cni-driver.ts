// A consumer of @multinet/cni-driver, typechecked under strict NodeNext against the packed tarball.
import { createCniDriver, createSpawnerExecutor, isCniError, type CniDriver, type PodNetworkStatus } from '@multinet/cni-driver';

export async function setUp(confDir: string, pluginDir: string, stateDir: string): Promise<PodNetworkStatus> {
  const executor = await createSpawnerExecutor();
  const driver: CniDriver = createCniDriver({ confDir, pluginDirs: [pluginDir], stateDir, executor, watch: false });
  try {
    await driver.sync();
    return await driver.setUpPod({ sandboxId: 'sb1', netns: '/var/run/netns/fake', pod: { namespace: 'default', name: 'web', uid: 'u1' } });
  } catch (error) {
    throw isCniError(error) ? new Error(error.code) : error;
  } finally {
    await driver.close();
  }
}
