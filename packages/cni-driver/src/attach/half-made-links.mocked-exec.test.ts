/**
 * removeHalfMadeLinks with `node:child_process`'s execFile faked: each `nsenter` call is recorded
 * with its options, so the time limit it is given can be checked without a hung process. The
 * namespace is `/proc/self/ns/uts`, a namespace file (nsfs) but not a network namespace.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExecFileRecorder } from '../../../../test/support/exec-file-recorder.ts';
import { removeHalfMadeLinks } from './half-made-links.ts';

const exec = vi.hoisted((): ExecFileRecorder => ({
  calls: [],
  answer: (args) => ({ stdout: args.includes('show') ? JSON.stringify([{ ifname: 'lo' }, { ifname: 'veth0123abcd' }]) : '' }),
}));
vi.mock('node:child_process', async (importOriginal) => (await import('../../../../test/support/exec-file-recorder.ts')).withExecFileRecorder(await importOriginal<object>(), exec));

const NS = '/proc/self/ns/uts';

afterEach(() => {
  exec.calls.length = 0;
});

describe('removeHalfMadeLinks and its nsenter calls', () => {
  it('gives every nsenter call (the listing and each delete) a 5 s time limit', async () => {
    await expect(removeHalfMadeLinks(NS, new Set(['eth0']))).resolves.toEqual(['veth0123abcd']);
    expect(exec.calls).toEqual([
      { file: 'nsenter', args: [`--net=${NS}`, 'ip', '-j', 'link', 'show'], options: { timeout: 5000 } },
      { file: 'nsenter', args: [`--net=${NS}`, 'ip', 'link', 'delete', 'dev', 'veth0123abcd'], options: { timeout: 5000 } },
    ]);
  });
});
