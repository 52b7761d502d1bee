/**
 * `readInterfaceMac` bounds its `nsenter` call: `execFile` is replaced by a fake that keeps the
 * options it was given, so the bound is seen without waiting for a hanging command.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ExecFileRecorder } from '../../../../test/support/exec-file-recorder.ts';
import { readInterfaceMac } from './interface-mac.ts';

const seen = vi.hoisted((): ExecFileRecorder => ({ calls: [], answer: () => ({ stdout: JSON.stringify([{ address: '02:00:00:00:00:0a' }]) }) }));
vi.mock('node:child_process', async (importOriginal) => (await import('../../../../test/support/exec-file-recorder.ts')).withExecFileRecorder(await importOriginal<object>(), seen));

describe('readInterfaceMac, its bound', () => {
  it('runs `nsenter` with a 5 s timeout, so a hanging command cannot hold the ADD forever', async () => {
    await expect(readInterfaceMac('/var/run/netns/pod-a', 'net1')).resolves.toBe('02:00:00:00:00:0a');
    expect(seen.calls).toEqual([{ file: 'nsenter', args: ['--net=/var/run/netns/pod-a', 'ip', '-j', 'link', 'show', 'dev', 'net1'], options: expect.objectContaining({ timeout: 5000 }) }]);
  });
});
