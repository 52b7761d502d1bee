/**
 * The Go peers (libcni, go-cni) through the harness in ../shared/peers/go-harness, when it can be
 * built here (Debian's golang-go and Go CNI sources); `undefined` otherwise.
 */
import { execFile } from 'node:child_process';
import { cp, chmod, access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The peers' files: harness binary, fake plugins, confs. */
export interface Peers {
  readonly harness: string | undefined;
  readonly dir: string;
  readonly fakePlugins: string;
}

/** Finds ../shared/peers (or MULTINET_PEERS_DIR) and builds the harness into /tmp if needed. */
export async function preparePeers(repoRoot: string): Promise<Peers | undefined> {
  const source = process.env['MULTINET_PEERS_DIR'] ?? join(repoRoot, '..', 'shared', 'peers');
  const found = await access(join(source, 'fake-plugins', 'noop'), constants.X_OK).then(() => true, () => false);
  if (!found) return undefined;
  const work = '/tmp/multinet-bench-peers';
  await cp(source, work, { recursive: true, force: true });
  await run('chmod', ['-R', 'u+w', work]);
  const harness = '/tmp/cni-peers/bin/go-harness';
  let built = await access(harness, constants.X_OK).then(() => true, () => false);
  if (!built) {
    built = await run('sh', [join(work, 'go-harness', 'build.sh'), harness], { timeout: 300_000 }).then(() => true, () => false);
  }
  await chmod(join(work, 'fake-plugins', 'noop'), 0o755);
  return { harness: built ? harness : undefined, dir: work, fakePlugins: join(work, 'fake-plugins') };
}

/** One harness run's JSON line. */
export type HarnessOutput = Record<string, any>;

/** Runs the harness with flags; resolves to its JSON line. */
export async function runHarness(peers: Peers, args: readonly string[]): Promise<HarnessOutput | undefined> {
  if (!peers.harness) return undefined;
  const { stdout } = await run(peers.harness, [...args], { maxBuffer: 16 << 20, timeout: 600_000 }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const line = stdout.trim().split('\n').at(-1);
  return line ? (JSON.parse(line) as HarnessOutput) : undefined;
}

/** The raw cost of exec'ing a plugin from a shell (peers' raw-exec.sh): median ADD ms. */
export async function measureRawExec(peers: Peers, plugin: string, conf: string, netns: string, n: number): Promise<number | undefined> {
  const { stdout } = await run('bash', [join(peers.dir, 'bench', 'raw-exec.sh'), plugin, conf, netns, String(n)], { timeout: 300_000 }).catch(() => ({ stdout: '' }));
  const line = stdout.trim().split('\n').at(-1);
  return line ? (JSON.parse(line) as { add_ms: { median: number } }).add_ms.median : undefined;
}
