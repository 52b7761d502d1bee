/**
 * `readInterfaceMac` bounds its `nsenter` call: `execFile` is replaced by a fake that keeps the
 * options it was given, so the bound is seen without waiting for a hanging command.
 */
import { describe, expect, it, vi } from 'vitest';
import { readInterfaceMac } from './interface-mac.ts';

const seen = vi.hoisted(() => ({ calls: [] as Array<{ file: string; args: readonly string[]; options: Record<string, unknown> }> }));
vi.mock('node:child_process', async (importOriginal) => {
  const cp = await importOriginal<typeof import('node:child_process')>();
  return {
    ...cp,
    execFile: (file: string, args: readonly string[], options: Record<string, unknown>, callback: (error: Error | null, stdout: string) => void) => {
      seen.calls.push({ file, args, options });
      setImmediate(() => callback(null, JSON.stringify([{ address: '02:00:00:00:00:0a' }])));
    },
  };
});

describe('readInterfaceMac, its bound', () => {
  it('runs `nsenter` with a 5 s timeout, so a hanging command cannot hold the ADD forever', async () => {
    await expect(readInterfaceMac('/var/run/netns/pod-a', 'net1')).resolves.toBe('02:00:00:00:00:0a');
    expect(seen.calls).toEqual([{ file: 'nsenter', args: ['--net=/var/run/netns/pod-a', 'ip', '-j', 'link', 'show', 'dev', 'net1'], options: expect.objectContaining({ timeout: 5000 }) }]);
  });
});
