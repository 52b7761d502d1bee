/**
 * A driver in a child process, for fencing tests: sets one pod up and never returns on its own
 * (its plugin is steered to sleep). Argument: a JSON object with confDir, binDir, stateDir,
 * sandboxId, netns, networks, and executor (`execa`: plugins outlive this process; else the default
 * spawner helper, which kills them when this process dies).
 */
import { createCniDriver, createExecaExecutor } from '@multinet/cni-driver';

const input = JSON.parse(process.argv[2] ?? '{}') as { confDir: string; binDir: string; stateDir: string; sandboxId: string; netns: string; networks: string; executor?: 'execa' };
const executor = input.executor === 'execa' ? createExecaExecutor() : undefined;
const driver = createCniDriver({ confDir: input.confDir, pluginDirs: [input.binDir], stateDir: input.stateDir, watch: false, loopback: false, executor });
await driver.setUpPod({
  sandboxId: input.sandboxId,
  netns: input.netns,
  pod: { namespace: 'default', name: 'fenced', uid: 'uid-fenced', annotations: { 'alpha.network.k8s.io/networks': input.networks } },
});
