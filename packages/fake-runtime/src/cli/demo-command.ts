/**
 * `multinet demo`: the main job on embedded fixtures — set up pods with one to three networks,
 * show them, restart the runtime, tear everything down, and say what happened.
 */
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createFakeRuntime } from '../runtime.ts';
import { canCreateRealNetns } from '../sandbox/netns.ts';
import { formatStatusTable } from './status-table.ts';
import type { CommandIo } from './run-command.ts';
import { createCliLogger } from './logger.ts';
import { demoFixturesDir, noopPluginDir } from '../fixtures/fixture-paths.ts';

/** The real-plugin conf dir of `demo --real`: bridge and ptp on host-local, inside 10.250.60.0/22. */
function buildRealConfs(work: string): Record<string, unknown> {
  const bridge = `mnb${randomBytes(4).toString('hex')}`;
  const ipam = (subnet: string) => ({ type: 'host-local', dataDir: join(work, 'ipam'), ranges: [[{ subnet }]] });
  return {
    '10-podnet.conflist': {
      cniVersion: '1.0.0',
      name: 'podnet',
      plugins: [{ type: 'bridge', bridge, isGateway: false, ipMasq: false, ipam: ipam('10.250.60.0/24') }],
    },
    '20-dbnet.conf': { cniVersion: '0.4.0', name: 'dbnet', type: 'ptp', ipMasq: false, ipam: ipam('10.250.61.0/24') },
    '30-storagenet.conflist': {
      cniVersion: '1.0.0',
      name: 'storagenet',
      plugins: [{ type: 'ptp', ipMasq: false, ipam: ipam('10.250.62.0/24') }],
    },
    bridge,
  };
}

/** Usage of `multinet demo`. */
export const DEMO_USAGE = `usage: multinet demo [--real] [--debug]

Sets up the demo pods (one to three networks each, thin and thick) on the fixtures shipped in
@multinet/fake-runtime, prints who got which interface and address, restarts the runtime, and
tears everything down from the checkpoints.

  --real       real network namespaces and Debian's plugins in /usr/lib/cni (root, iproute2)
  --debug      print stack traces of failures
  -h, --help   show this help
`;

/**
 * Runs the demo; resolves to the exit status (2 for a usage mistake). Failures of the demo itself
 * are thrown, and reported as one line by the command line.
 */
export async function runDemoCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let real: boolean;
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { real: { type: 'boolean', default: false }, debug: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
    if (values.help) {
      io.stdout(DEMO_USAGE);
      return 0;
    }
    real = values.real;
  } catch (error) {
    io.stderr(`multinet demo: ${error instanceof Error ? error.message : String(error)}\n${DEMO_USAGE}`);
    return 2;
  }
  if (real && !(await canCreateRealNetns())) {
    io.stderr('multinet demo --real needs root and iproute2 (ip netns); run `multinet demo` without --real instead\n');
    return 1;
  }
  const demo = demoFixturesDir();
  const plugins = noopPluginDir();
  const work = await mkdtemp(join(tmpdir(), 'multinet-demo-'));
  const logger = createCliLogger('warn');
  const step = (text: string): void => io.stderr(`• ${text}\n`);
  const confDir = join(work, 'net.d');
  let bridge: string | undefined;
  try {
    if (real) {
      await mkdir(confDir, { recursive: true });
      const confs = buildRealConfs(work);
      bridge = confs['bridge'] as string;
      for (const [file, content] of Object.entries(confs)) {
        if (file !== 'bridge') await writeFile(join(confDir, file), `${JSON.stringify(content, null, 2)}\n`);
      }
    } else {
      await cp(join(demo, 'net.d'), confDir, { recursive: true });
    }
    const pluginDirs = real ? ['/usr/lib/cni', plugins] : [plugins];
    step(`state dir ${work}; conf dir with ${(await readdir(confDir)).length} networks; ${real ? 'real namespaces and Debian plugins' : 'fake namespaces and fixture plugins'}`);
    let runtime = await createFakeRuntime({
      stateDir: join(work, 'state'),
      confDir,
      pluginDirs,
      manifests: [join(demo, 'manifests')],
      netns: real ? 'real' : 'fake',
      watch: false,
      loopback: real,
      logger,
    });
    try {
      const pods = runtime.api.listPods();
      step(`setting up ${pods.length} pods (${pods.map((p) => p.name).join(', ')})…`);
      runtime.on('podSetUp', (pod) => step(`  ${pod}: networks up`));
      runtime.on('podSetUpFailed', (pod, error) => step(`  ${pod}: FAILED ${error.code}: ${error.message}`));
      const first = await runtime.syncOnce();
      io.stdout(`${formatStatusTable(runtime.api)}\n`);

      step('restarting the runtime (a kubelet restart): new driver, same state dir…');
      await runtime.restart();
      const second = await runtime.syncOnce();
      const recovered = (await runtime.driver.listSandboxes()).length;
      step(`  recovered ${recovered} sandboxes from checkpoints; ${second.setUp.length} set up again (0 expected)`);

      step('deleting every pod and tearing its networks down from the checkpoints…');
      runtime.on('podTornDown', (pod) => step(`  ${pod}: torn down`));
      for (const pod of runtime.api.listPods()) runtime.api.deletePod(`${pod.namespace}/${pod.name}`);
      const third = await runtime.syncOnce();
      const left = (await runtime.driver.listSandboxes()).length + (await runtime.sandboxes()).length;
      io.stdout(
        `\ndemo done: ${first.setUp.length} pods set up (${first.failed.length} failed), runtime restarted, ` +
          `${third.tornDown.length} pods torn down, ${left} records left.\n`,
      );
      await runtime.close();
      return first.failed.length === 0 && third.teardownFailed.length === 0 && left === 0 ? 0 : 1;
    } finally {
      await runtime.close().catch(() => undefined);
      runtime = undefined as never;
    }
  } finally {
    if (bridge) {
      const { execFile } = await import('node:child_process');
      await new Promise((resolve) => execFile('ip', ['link', 'delete', bridge as string], () => resolve(undefined)));
    }
    await rm(work, { recursive: true, force: true });
  }
}
