/**
 * findAttachmentFault with `node:child_process`'s execFile faked: each `nsenter` call is recorded
 * with its options and answered with a scripted error and stdout together — which neither `ip`
 * nor the fake `nsenter` on PATH produce. The namespace is `/proc/self/ns/uts`, a namespace file
 * (nsfs) but not a network namespace; CHECK is never run (a 0.3.1 config).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChainContext } from '../chain/chain-context.ts';
import { SILENT_LOGGER } from '../internal/logger.ts';
import type { AttachmentRecord, PodRecord } from './sandbox-record.ts';
import { findAttachmentFault } from './verify-attachment.ts';
import type { ExecFileAnswer, ExecFileRecorder } from '../../../../test/support/exec-file-recorder.ts';

const exec = vi.hoisted((): ExecFileRecorder => ({ calls: [], answer: () => ({}) }));
vi.mock('node:child_process', async (importOriginal) => (await import('../../../../test/support/exec-file-recorder.ts')).withExecFileRecorder(await importOriginal<object>(), exec));

const NS = '/proc/self/ns/uts';
const chain = (): ChainContext => ({
  executor: {
    async execPlugin() {
      throw new Error('no plugin runs in these tests');
    },
  },
  pluginDirs: [],
  knownPluginPath: (type) => `/fake/${type}`,
  cacheDir: '/nonexistent/cache',
  timeoutMs: 1_000,
  killGraceMs: 100,
  maxOutputBytes: 1 << 20,
  baseEnv: {},
  logger: SILENT_LOGGER,
});
const attachment: AttachmentRecord = {
  network: 'ns/alpha',
  networkName: 'alpha',
  ifName: 'net1',
  isDefault: false,
  source: 'object',
  configText: JSON.stringify({ cniVersion: '0.3.1', name: 'alpha', plugins: [{ type: 'noop' }] }),
  cniVersion: '0.3.1',
  cniArgs: [],
  capabilityArgs: {},
  state: 'added',
  delAttempts: 0,
  result: { cniVersion: '0.3.1', ips: [{ version: '4', address: '10.250.9.5/24' }] },
};
const record: PodRecord = { sandboxId: 'sb1', netns: NS, pod: { namespace: 'ns', name: 'p', uid: 'u' }, phase: 'ready', createdAt: 't', updatedAt: 't', attachments: [attachment] };
const listing = JSON.stringify([{ ifname: 'net1', addr_info: [{ local: '10.250.9.5' }] }]);

/** Every call from now on answers `reply`. */
const answer = (reply: ExecFileAnswer): void => {
  exec.answer = () => reply;
};

afterEach(() => {
  exec.calls.length = 0;
  exec.answer = () => ({});
});

describe('findAttachmentFault asking the namespace through nsenter', () => {
  it('takes the interface as present when nsenter succeeds with a listing that has its address', async () => {
    answer({ error: null, stdout: listing, stderr: '' });
    await expect(findAttachmentFault(chain(), record, attachment)).resolves.toBeUndefined();
  });

  it('calls the interface missing when nsenter fails, even if its stdout holds a listing with the address', async () => {
    answer({ error: Object.assign(new Error('Command failed: nsenter'), { code: 1 }), stdout: listing, stderr: 'Device "net1" does not exist.' });
    await expect(findAttachmentFault(chain(), record, attachment)).resolves.toBe(`interface net1 is missing from ${NS}`);
  });

  it('runs ip addr show through nsenter in the record\'s namespace with a 5 s time limit', async () => {
    answer({ error: null, stdout: listing, stderr: '' });
    await findAttachmentFault(chain(), record, attachment);
    expect(exec.calls).toEqual([{ file: 'nsenter', args: [`--net=${NS}`, 'ip', '-j', 'addr', 'show', 'dev', 'net1'], options: { timeout: 5000 } }]);
  });
});
