/**
 * removeHalfMadeLinks with `node:child_process`'s execFile faked: each `nsenter` call is recorded
 * with its options, so the time limit it is given can be checked without a hung process. The
 * namespace is `/proc/self/ns/uts`, a namespace file (nsfs) but not a network namespace.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { removeHalfMadeLinks } from './half-made-links.ts';

interface ExecCall { file: string; args: readonly string[]; options: Record<string, unknown> }
const exec = vi.hoisted(() => ({ calls: [] as ExecCall[] }));
vi.mock('node:child_process', async (importOriginal) => {
  const cp = await importOriginal<typeof import('node:child_process')>();
  const execFile = (file: string, args: readonly string[], options: Record<string, unknown>, callback: (error: Error | null, stdout: string, stderr: string) => void): void => {
    exec.calls.push({ file, args, options });
    const stdout = args.includes('show') ? JSON.stringify([{ ifname: 'lo' }, { ifname: 'veth0123abcd' }]) : '';
    setImmediate(() => callback(null, stdout, ''));
  };
  return { ...cp, execFile };
});

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
