/**
 * findAttachmentFault: CHECK through a scripted executor, and the interface as a fake `nsenter`
 * first on PATH reports it, in a path that is a namespace file but not a network namespace
 * (`/proc/self/ns/uts`): no real namespace is read.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChainContext } from '../chain/chain-context.ts';
import type { PluginExecRequest } from '../invoke/plugin-executor.ts';
import { SILENT_LOGGER } from '../internal/logger.ts';
import type { AttachmentRecord, PodRecord } from './sandbox-record.ts';
import { findAttachmentFault } from './verify-attachment.ts';
import { installFakeNsenter, type FakeNsenter } from '../../../../test/support/fake-nsenter.ts';

const NS = '/proc/self/ns/uts';
let fake: FakeNsenter;

let dir: string;
let checks: Array<{ env: Readonly<Record<string, string>>; stdin: Record<string, unknown> }>;
let checkAnswer: { fail: string } | { throw: unknown } | undefined;
const answer = (args: readonly string[], out: string): Promise<void> => fake.answer(args, out);
const refuse = (args: readonly string[], err: string): Promise<void> => fake.refuse(args, err);
const nsenterCalls = (): Promise<string[]> => fake.calls();
const ADDR = ['ip', '-j', 'addr', 'show', 'dev', 'net1'];

const ok = { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, aborted: false, outputTooLarge: false };
const chain = (): ChainContext => ({
  executor: {
    async execPlugin(request: PluginExecRequest) {
      checks.push({ env: request.env, stdin: JSON.parse(request.stdin) as Record<string, unknown> });
      if (checkAnswer && 'throw' in checkAnswer) throw checkAnswer.throw;
      if (checkAnswer) return { ...ok, exitCode: 1, stdout: JSON.stringify({ cniVersion: '1.0.0', code: 100, msg: checkAnswer.fail }) };
      return ok;
    },
  },
  pluginDirs: [],
  knownPluginPath: (type) => `/fake/${type}`,
  cacheDir: join(dir, 'cache'),
  timeoutMs: 1_000,
  killGraceMs: 100,
  maxOutputBytes: 1 << 20,
  baseEnv: {},
  logger: SILENT_LOGGER,
});

const conf = (cniVersion: string, extra: Record<string, unknown> = {}): string => JSON.stringify({ cniVersion, name: 'alpha', ...extra, plugins: [{ type: 'noop' }] });
const attachment = (patch: Partial<AttachmentRecord> = {}): AttachmentRecord => ({
  network: 'ns/alpha',
  networkName: 'alpha',
  ifName: 'net1',
  isDefault: false,
  source: 'object',
  configText: conf('1.0.0'),
  cniVersion: '1.0.0',
  cniArgs: [['K8S_POD_NAME', 'p']],
  capabilityArgs: {},
  state: 'added',
  delAttempts: 0,
  result: { cniVersion: '1.0.0', ips: [{ address: '10.250.9.5/24' }, { address: 'fd00::5/64' }] },
  ...patch,
});
const record = (netns: string): PodRecord => ({
  sandboxId: 'sb1',
  netns,
  pod: { namespace: 'ns', name: 'p', uid: 'u' },
  phase: 'ready',
  createdAt: 't',
  updatedAt: 't',
  attachments: [],
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-verify-'));
  fake = await installFakeNsenter(dir);
  checks = [];
  checkAnswer = undefined;
});
afterEach(async () => {
  fake.uninstall();
  await rm(dir, { recursive: true, force: true });
});

describe('findAttachmentFault in a path that is no namespace', () => {
  let fake: string;
  beforeEach(async () => {
    fake = join(dir, 'fake-netns');
    await writeFile(fake, '');
  });

  it('takes loopback as fine without asking anything', async () => {
    checkAnswer = { fail: 'broken' };
    await expect(findAttachmentFault(chain(), record(join(dir, 'gone')), attachment({ source: 'loopback' }))).resolves.toBeUndefined();
    expect(checks).toEqual([]);
  });

  it('calls an attachment in a runtime netns path that is gone broken', async () => {
    for (const netns of ['/var/run/netns/multinet-test-gone', '/run/netns/multinet-test-gone']) {
      await expect(findAttachmentFault(chain(), record(netns), attachment())).resolves.toBe(`the sandbox's namespace ${netns} is gone`);
    }
    expect(checks).toEqual([]);
  });

  it('runs CHECK with the record\'s runtime values and the recorded result, and passes what it passes', async () => {
    await expect(findAttachmentFault(chain(), record(fake), attachment({ configText: conf('0.4.0'), cniVersion: '0.4.0', result: { cniVersion: '0.4.0', ips: [{ version: '4', address: '10.250.9.5/24' }] } }))).resolves.toBeUndefined();
    expect(checks).toHaveLength(1);
    expect(checks[0]?.env).toMatchObject({ CNI_COMMAND: 'CHECK', CNI_CONTAINERID: 'sb1', CNI_NETNS: fake, CNI_IFNAME: 'net1', CNI_ARGS: 'K8S_POD_NAME=p' });
    expect(checks[0]?.stdin['prevResult']).toMatchObject({ cniVersion: '0.4.0', ips: [{ address: '10.250.9.5/24' }] });
    expect(await nsenterCalls()).toEqual([]);
  });

  it('gives the failed CHECK as the fault', async () => {
    checkAnswer = { fail: 'no such interface' };
    await expect(findAttachmentFault(chain(), record(fake), attachment())).resolves.toMatch(/^CHECK failed: .*no such interface/);
    checkAnswer = { throw: 'kaput' };
    await expect(findAttachmentFault(chain(), record(fake), attachment())).resolves.toBe('CHECK failed: kaput');
  });

  it('checks nothing it cannot: a config older than 0.4.0, or one that disables CHECK', async () => {
    checkAnswer = { fail: 'broken' };
    await expect(findAttachmentFault(chain(), record(fake), attachment({ configText: conf('0.3.1'), cniVersion: '0.3.1', result: { cniVersion: '0.3.1' } }))).resolves.toBeUndefined();
    await expect(findAttachmentFault(chain(), record(fake), attachment({ configText: conf('1.0.0', { disableCheck: true }) }))).resolves.toBeUndefined();
    expect(checks).toEqual([]);
  });

  it('CHECKs without a prevResult when the recorded result is absent or unreadable', async () => {
    await findAttachmentFault(chain(), record(fake), attachment({ result: undefined }));
    await findAttachmentFault(chain(), record(fake), attachment({ result: { cniVersion: '1.0.0', ips: 'nope' } }));
    expect(checks.map((c) => c.stdin['prevResult'])).toEqual([undefined, undefined]);
  });
});

describe('findAttachmentFault in a namespace', () => {
  it('lets the interface and its addresses decide when CHECK fails there', async () => {
    checkAnswer = { fail: 'bridge MAC moved' };
    await answer(ADDR, JSON.stringify([{ addr_info: [{ local: '10.250.9.5' }, {}, { local: 'fd00::5' }] }]));
    await expect(findAttachmentFault(chain(), record(NS), attachment())).resolves.toBeUndefined();
    expect(await nsenterCalls()).toEqual([`--net=${NS} ${ADDR.join(' ')}`]);
  });

  it('names the addresses the interface lacks after the failed CHECK', async () => {
    checkAnswer = { fail: 'bridge MAC moved' };
    await answer(ADDR, JSON.stringify([{ addr_info: [{ local: '10.250.9.9' }] }]));
    await expect(findAttachmentFault(chain(), record(NS), attachment())).resolves.toMatch(/^CHECK failed: .*bridge MAC moved.*; interface net1 lacks 10\.250\.9\.5, fd00::5$/);
  });

  it('calls a missing interface broken: no such link, no link listed, or output it cannot read', async () => {
    checkAnswer = { fail: 'gone' };
    await refuse(ADDR, 'Device "net1" does not exist.');
    await expect(findAttachmentFault(chain(), record(NS), attachment())).resolves.toMatch(new RegExp(`^CHECK failed: .*; interface net1 is missing from ${NS}$`));
    await fake.unrefuse(ADDR);
    await answer(ADDR, '[]');
    await expect(findAttachmentFault(chain(), record(NS), attachment({ configText: conf('0.3.1'), cniVersion: '0.3.1', result: undefined }))).resolves.toBe(`interface net1 is missing from ${NS}`);
    await answer(ADDR, '{');
    await expect(findAttachmentFault(chain(), record(NS), attachment({ configText: conf('0.3.1'), cniVersion: '0.3.1', result: undefined }))).resolves.toBe(`interface net1 is missing from ${NS}`);
  });

  it('without CHECK, asks the namespace directly: an interface without addresses has what a result without IPs says', async () => {
    await answer(ADDR, JSON.stringify([{ ifname: 'net1' }]));
    await expect(findAttachmentFault(chain(), record(NS), attachment({ configText: conf('0.3.1'), cniVersion: '0.3.1', result: undefined }))).resolves.toBeUndefined();
    await expect(findAttachmentFault(chain(), record(NS), attachment({ configText: conf('0.3.1'), cniVersion: '0.3.1', result: { cniVersion: '0.3.1', ips: [{ version: '4', address: '10.250.9.5/24' }] } }))).resolves.toBe('interface net1 lacks 10.250.9.5');
    expect(checks).toEqual([]);
  });
});

describe('findAttachmentFault and the runtime\'s netns dirs', () => {
  it('calls a netns gone only under /var/run/netns/ or /run/netns/ itself', async () => {
    for (const netns of [join(dir, 'var/run/netns/x'), join(dir, 'run/netns/x'), '/run/netnsx/x', '/var/run/netns']) {
      checks = [];
      await expect(findAttachmentFault(chain(), record(netns), attachment())).resolves.toBeUndefined();
      expect(checks).toHaveLength(1);
    }
  });
});

describe('findAttachmentFault and a recorded result without its own version', () => {
  it('reads the recorded result in the attachment\'s version and CHECKs with it', async () => {
    const fake = join(dir, 'fake-netns');
    await writeFile(fake, '');
    await findAttachmentFault(chain(), record(fake), attachment({ result: { ips: [{ address: '10.250.9.5/24' }] } }));
    expect(checks[0]?.stdin['prevResult']).toMatchObject({ cniVersion: '1.0.0', ips: [{ address: '10.250.9.5/24' }] });
  });
});
