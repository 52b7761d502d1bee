/**
 * The crash soak: `multinet run` with bridge + ptp (host-local) for 8 pods coming and going,
 * SIGKILLed at seeded random moments — the process alone and its whole group, alternately —
 * then one `multinet run --once --json`, after which every wanted pod must be fully set up and
 * host-local must hold exactly the addresses in use. At the end every pod is deleted and nothing
 * may be left: no address, namespace, link or record. Used by `npm test` (a few cycles) and by
 * `npm run soak -- --cycles N --seed S`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, readlink, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecordLog } from '@multinet/checkpoint';
import { parsePodRecord, POD_RECORD_KIND, POD_RECORD_VERSION, type PodRecord } from '@multinet/cni-driver';
import { MULTINET_BIN } from './cli.ts';
import { ip, listLeases, uniqueNetnsPrefix, uniqueSuffix } from './netns.ts';
import { createSeededRandom } from './seeded-random.ts';

/** Options of a soak. */
export interface CrashSoakOptions {
  readonly cycles: number;
  readonly seed: number;
  /** Longest time the loop runs before it is killed. @default 1200 */
  readonly maxRunMs?: number | undefined;
  /** Subnets (two /24 in 10.250.0.0/16) for bridge and ptp. @default 10.250.230.0/24, 10.250.231.0/24 */
  readonly subnets?: readonly [string, string] | undefined;
  /** Progress lines. */
  readonly log?: ((line: string) => void) | undefined;
  /** Stops after the cycle in flight, then runs the final teardown and checks. */
  readonly signal?: AbortSignal | undefined;
}

/** What a soak saw. */
export interface CrashSoakReport {
  readonly cycles: number;
  readonly seed: number;
  readonly killsAlone: number;
  readonly killsGroup: number;
  /** Cycles whose kill hit while a plugin of the runtime ran (it was fenced, then killed by the next start). */
  readonly orphanedPluginsSeen: number;
  /** Kills that cut a step short: a record held an ADD or DEL intent whose outcome was unknown. */
  readonly interruptedSteps: number;
  /** Runtime processes found alive after a kill (must be 0). */
  readonly survivors: number;
  /** Pods wanted over all cycles, and how many were fully up after the `--once` sync. */
  readonly podsWanted: number;
  readonly podsUp: number;
  /** Problems found (each a sentence); empty on success. */
  readonly problems: readonly string[];
}

interface PodLine {
  pod: string;
  netns: string | null;
  podIPs: string[];
  networks: Array<{ name: string; interface: string; ips: string[] }>;
  error: { code: string; message: string } | null;
}

const POD_COUNT = 8;
const podManifest = (name: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  annotations:\n    alpha.network.k8s.io/networks: podnet,ptpnet\n`;

/** Pids whose command line mentions `marker` (the soak's unique dir). */
async function findProcessesMentioning(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (/\) [ZX] /.test(stat)) continue;
    if (cmdline.includes(marker)) found.push(pid);
  }
  return found;
}

/** Pids holding `path` open. */
async function findHolders(path: string): Promise<number[]> {
  const holders: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === path) {
        holders.push(pid);
        break;
      }
    }
  }
  return holders;
}

/** Attachments whose last step's outcome the records do not know (an ADD or DEL intent). */
async function countIntents(driverDir: string): Promise<number> {
  const { records } = await readPodRecords(driverDir);
  return records.reduce((count, { value }) => count + value.attachments.filter((a) => a.state !== 'added').length, 0);
}

/** The driver's records as they are on disk (the record log, read without owning it). */
function readPodRecords(driverDir: string) {
  return readRecordLog({ dir: join(driverDir, 'records'), kind: POD_RECORD_KIND, version: POD_RECORD_VERSION, parse: parsePodRecord }).catch(() => ({ records: [] as Array<{ key: string; value: PodRecord }> }));
}

/** Runs the soak; never throws for what it finds (see `problems`). */
export async function runCrashSoak(options: CrashSoakOptions): Promise<CrashSoakReport> {
  const random = createSeededRandom(options.seed);
  const log = options.log ?? (() => undefined);
  const [bridgeSubnet, ptpSubnet] = options.subnets ?? ['10.250.230.0/24', '10.250.231.0/24'];
  const dir = await mkdtemp(join(tmpdir(), 'multinet-soak-'));
  const bridge = `mnsk${uniqueSuffix()}`;
  const stateDir = join(dir, 'state');
  const ipamDir = join(dir, 'ipam');
  const manifests = join(dir, 'manifests');
  const problems: string[] = [];
  // What the runtime logged, every cycle: kept with the state when a cycle finds a leak.
  const runtimeLog = createWriteStream(join(dir, 'runtime.log'), { flags: 'a' });
  /** Where the state of the first leaking cycle was copied. */
  let evidence: string | undefined;
  /** Copies the soak's dir (state, leases, runtime log) out of the way at the first leak, for a post-mortem; returns where. */
  const keepEvidence = async (cycle: number): Promise<string> => {
    if (evidence === undefined) {
      evidence = join(tmpdir(), `multinet-soak-evidence-${options.seed}-cycle${cycle}`);
      await cp(dir, evidence, { recursive: true }).catch(() => undefined);
    }
    return evidence;
  };
  let killsAlone = 0;
  let killsGroup = 0;
  let orphanedPluginsSeen = 0;
  let interruptedSteps = 0;
  let survivors = 0;
  let podsWanted = 0;
  let podsUp = 0;
  const seenNamespaces = new Set<string>();

  await mkdir(join(dir, 'net.d'));
  await mkdir(manifests);
  const ipam = (subnet: string) => ({ type: 'host-local', dataDir: ipamDir, ranges: [[{ subnet }]] });
  await writeFile(join(dir, 'net.d', '10-podnet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'podnet', plugins: [{ type: 'bridge', bridge, isGateway: false, ipMasq: false, ipam: ipam(bridgeSubnet) }] }));
  await writeFile(join(dir, 'net.d', '20-ptpnet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'ptpnet', plugins: [{ type: 'ptp', ipMasq: false, ipam: ipam(ptpSubnet) }] }));

  const netnsPrefix = uniqueNetnsPrefix();
  const args = (extra: string[]) => [
    MULTINET_BIN, 'run', '--netns', 'real', '--netns-prefix', netnsPrefix, '--manifests', manifests, '--conf-dir', join(dir, 'net.d'),
    '--bin-dir', '/usr/lib/cni', '--state-dir', stateDir, ...extra,
  ];

  const runOnce = (): Promise<{ lines: PodLine[]; stderr: string; code: number | null }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, args(['--once', '--json']), { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => {
        runtimeLog.write(`--- --once exited ${code}\n${stderr}`);
        resolve({ code, stderr, lines: stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PodLine) });
      });
    });

  const checkConverged = async (cycle: number, wanted: Set<string>): Promise<void> => {
    const { lines, stderr, code } = await runOnce();
    if (code !== 0) problems.push(`cycle ${cycle}: --once exited ${code}: ${stderr.slice(-400)}`);
    const inUse: string[] = [];
    for (const line of lines) {
      const name = line.pod.split('/')[1]!;
      if (!wanted.has(name)) continue;
      const [eth0, eth1] = line.networks;
      const ok = line.error === null && eth0?.interface === 'eth0' && eth1?.interface === 'eth1' && eth0.ips.length === 1 && eth1.ips.length === 1;
      if (!ok || !line.netns) {
        problems.push(`cycle ${cycle}: ${line.pod} not fully set up: ${JSON.stringify(line)}`);
        continue;
      }
      const nsName = line.netns.split('/').pop()!;
      seenNamespaces.add(nsName);
      const shown = await ip('-n', nsName, '-j', 'addr', 'show').then((t) => JSON.parse(t) as Array<{ ifname: string; addr_info: Array<{ local: string }> }>).catch(() => []);
      const addressesOf = (ifName: string) => shown.find((l) => l.ifname === ifName)?.addr_info.map((a) => a.local) ?? [];
      if (!addressesOf('eth0').includes(eth0.ips[0]!) || !addressesOf('eth1').includes(eth1.ips[0]!)) {
        problems.push(`cycle ${cycle}: ${line.pod} reports ${eth0.ips[0]}/${eth1.ips[0]} but its namespace has eth0=${addressesOf('eth0')} eth1=${addressesOf('eth1')}`);
        continue;
      }
      podsUp++;
      inUse.push(`podnet/${eth0.ips[0]}`, `ptpnet/${eth1.ips[0]}`);
    }
    podsWanted += wanted.size;
    const missing = [...wanted].filter((name) => !lines.some((l) => l.pod === `default/${name}`));
    if (missing.length) problems.push(`cycle ${cycle}: no line for ${missing.join(', ')}`);
    const leases = (await listLeases(ipamDir)).sort();
    if (new Set(inUse).size !== inUse.length) problems.push(`cycle ${cycle}: an address is handed out twice: ${inUse.sort().join(' ')}`);
    if (JSON.stringify(leases) !== JSON.stringify([...inUse].sort())) {
      problems.push(`cycle ${cycle}: host-local holds [${leases.join(' ')}], pods use [${[...inUse].sort().join(' ')}] (state kept in ${await keepEvidence(cycle)})`);
    }
  };

  try {
    const writeWanted = async (wanted: Set<string>): Promise<void> => {
      for (let i = 0; i < POD_COUNT; i++) {
        const name = `pod-${i}`;
        const file = join(manifests, `${name}.yaml`);
        if (wanted.has(name)) await writeFile(file, podManifest(name));
        else await unlink(file).catch(() => undefined);
      }
    };
    const pickWanted = (): Set<string> => new Set(Array.from({ length: POD_COUNT }, (_, i) => `pod-${i}`).filter(() => random() < 0.6));
    for (let cycle = 0; cycle < options.cycles && !options.signal?.aborted; cycle++) {
      // Pods come and go: each cycle starts from a random subset, and changes it while the loop runs.
      let wanted = pickWanted();
      await writeWanted(wanted);
      const child = spawn(process.execPath, args(['--interval', '100ms']), { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      // The clock starts once the runtime runs (its first log line), so kills land in its work.
      await new Promise<void>((resolve) => {
        child.stderr.once('data', () => resolve());
        child.once('exit', () => resolve());
      });
      runtimeLog.write(`--- cycle ${cycle}\n`);
      child.stderr.pipe(runtimeLog, { end: false });
      const runMs = Math.floor(random() * (options.maxRunMs ?? 1200));
      const churnAt = Math.floor(random() * runMs);
      await new Promise((resolve) => setTimeout(resolve, churnAt));
      wanted = pickWanted();
      await writeWanted(wanted);
      await new Promise((resolve) => setTimeout(resolve, runMs - churnAt));
      const alone = cycle % 2 === 0;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(alone ? child.pid! : -child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
      if (alone) killsAlone++;
      else killsGroup++;
      const left = await findProcessesMentioning(dir);
      if (left.length) {
        survivors += left.length;
        problems.push(`cycle ${cycle}: runtime process(es) ${left.join(', ')} still running after SIGKILL`);
        for (const pid of left) process.kill(pid, 'SIGKILL');
      }
      const holders = await findHolders(join(stateDir, 'driver', 'lock'));
      if (holders.length) orphanedPluginsSeen++;
      const intents = await countIntents(join(stateDir, 'driver'));
      if (intents > 0) interruptedSteps++;
      log(`cycle ${cycle}: killed ${alone ? 'the process' : 'the group'} ${runMs} ms after it started (pods changed at ${churnAt} ms); ${intents} step(s) cut short, ${holders.length} fenced plugin(s) left; wanted ${[...wanted].join(',') || 'none'}`);
      await checkConverged(cycle, wanted);
    }
    // Everything goes; nothing may be left.
    for (let i = 0; i < POD_COUNT; i++) await unlink(join(manifests, `pod-${i}.yaml`)).catch(() => undefined);
    const { lines, code, stderr } = await runOnce();
    if (code !== 0 || lines.length !== 0) problems.push(`final: --once exited ${code} with ${lines.length} pod(s): ${stderr.slice(-400)}`);
    const leases = await listLeases(ipamDir);
    if (leases.length) problems.push(`final: host-local still holds ${leases.join(' ')}`);
    const namespaces = await ip('netns', 'list');
    const leftNs = [...seenNamespaces].filter((ns) => namespaces.includes(ns));
    if (leftNs.length) problems.push(`final: namespaces left: ${leftNs.join(' ')}`);
    const records = (await readPodRecords(join(stateDir, 'driver'))).records.map((r) => r.key);
    if (records.length) problems.push(`final: records left: ${records.join(' ')}`);
    const registry = await readdir(join(stateDir, 'sandboxes')).catch(() => [] as string[]);
    if (registry.filter((f) => f.endsWith('.json')).length) problems.push(`final: sandboxes left in the registry: ${registry.join(' ')}`);
  } finally {
    await new Promise((resolve) => runtimeLog.end(resolve));
    for (const pid of await findProcessesMentioning(dir)) process.kill(pid, 'SIGKILL');
    await ip('link', 'delete', bridge).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
  return { cycles: options.cycles, seed: options.seed, killsAlone, killsGroup, interruptedSteps, orphanedPluginsSeen, survivors, podsWanted, podsUp, problems };
}
