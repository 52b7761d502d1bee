/**
 * NPWG `default-route` in fake namespaces (plain files, as the fake runtime makes them): nothing
 * is run in the namespace, the recorded results are still edited, and the route port is given
 * each attachment's plan in ADD order.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCniDriver, createStaticObjectSource, type CniDriver, type DefaultRouteEditor } from '@multinet/cni-driver';
import { FIXTURE_PLUGIN_DIR, writeNoopControl } from './support/noop.ts';

describe('NPWG default-route with fake namespaces', () => {
  let dir: string;
  let drivers: CniDriver[];

  const routedResult = (address: string, gateway: string) => ({
    cniVersion: '1.0.0',
    interfaces: [{ name: 'x', sandbox: 'fake' }],
    ips: [{ address, gateway, interface: 0 }],
    routes: [{ dst: '0.0.0.0/0', gw: gateway }, { dst: '10.250.199.0/24', gw: gateway }],
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-defroute-fake-'));
    await mkdir(join(dir, 'net.d'));
    for (const [file, name, address, gateway] of [['10-podnet.conflist', 'podnet', '10.250.181.5/24', '10.250.181.1'], ['20-sidenet.conflist', 'sidenet', '10.250.182.5/24', '10.250.182.1']] as const) {
      const debugFile = join(dir, `${name}.json`);
      await writeFile(join(dir, 'net.d', file), JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type: 'noop', debugFile }] }));
      await writeNoopControl(debugFile, { ADD: { result: routedResult(address, gateway) } });
    }
    await writeFile(join(dir, 'fake-netns'), '');
    drivers = [];
  });

  afterEach(async () => {
    await Promise.all(drivers.map((d) => d.close()));
    await rm(dir, { recursive: true, force: true });
  });

  const open = (defaultRouteEditor?: DefaultRouteEditor): CniDriver => {
    const driver = createCniDriver({ confDir: join(dir, 'net.d'), pluginDirs: [FIXTURE_PLUGIN_DIR], stateDir: join(dir, 'state'), objectSource: createStaticObjectSource([]), watch: false, loopback: false, defaultRouteEditor });
    drivers.push(driver);
    return driver;
  };
  const sandbox = { sandboxId: 'mnh1-fake', pod: { namespace: 'default', name: 'web', uid: 'uid-web', annotations: { 'k8s.v1.cni.cncf.io/networks': '[{"name":"sidenet","default-route":["10.250.182.254"]}]' } } };

  it('edits the recorded results and the network-status gateways with the real editor, which skips a fake namespace', async () => {
    const status = await open().setUpPod({ ...sandbox, netns: join(dir, 'fake-netns') });

    const routes = status.networks.map((n) => (n.result as { routes?: unknown }).routes);
    expect(routes).toEqual([[{ dst: '10.250.199.0/24', gw: '10.250.181.1' }], [{ dst: '10.250.199.0/24', gw: '10.250.182.1' }, { dst: '0.0.0.0/0', gw: '10.250.182.254' }]]);
    const annotation = JSON.parse(status.networkStatusAnnotation!) as Array<Record<string, unknown>>;
    expect(annotation.map((s) => s['gateway'])).toEqual([undefined, ['10.250.182.254']]);
    expect(status.podIPs).toEqual(['10.250.181.5']);
  });

  it('hands the route port each attachment\'s removals and gateways, in ADD order', async () => {
    const calls: string[] = [];
    const editor: DefaultRouteEditor = {
      async deleteDefaultRoutes(_netns, ifName, families) {
        calls.push(`del ${ifName} ${families.join(',')}`);
      },
      async addDefaultRoutes(_netns, ifName, gateways) {
        calls.push(`add ${ifName} ${gateways.join(',')}`);
      },
    };
    await open(editor).setUpPod({ ...sandbox, netns: join(dir, 'fake-netns') });

    expect(calls).toEqual(['del eth0 4,6', 'del net1 4,6', 'add net1 10.250.182.254']);
  });
});
