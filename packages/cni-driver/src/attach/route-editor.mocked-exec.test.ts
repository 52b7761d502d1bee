/**
 * The ip route editor with `node:child_process`'s execFile faked: each `nsenter` call is recorded
 * with its options, so the time limit it is given can be checked without a slow `ip`. The
 * namespace is `/proc/self/ns/uts`, a namespace file (nsfs) but not a network namespace.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExecFileRecorder } from '../../../../test/support/exec-file-recorder.ts';
import { createIpRouteEditor } from './route-editor.ts';

const exec = vi.hoisted((): ExecFileRecorder => ({ calls: [], answer: () => ({}) }));
vi.mock('node:child_process', async (importOriginal) => (await import('../../../../test/support/exec-file-recorder.ts')).withExecFileRecorder(await importOriginal<object>(), exec));

const NS = '/proc/self/ns/uts';

afterEach(() => {
  exec.calls.length = 0;
});

describe('createIpRouteEditor and the time limit of its ip calls', () => {
  it('gives each ip call a 5 s time limit by default', async () => {
    const editor = createIpRouteEditor();
    await editor.deleteDefaultRoutes(NS, 'net1', [4]);
    await editor.addDefaultRoutes(NS, 'net1', ['10.250.9.1']);
    expect(exec.calls.map((c) => [c.args.slice(1, 5).join(' '), c.options])).toEqual([
      ['ip -j -4 route', { timeout: 5000 }],
      ['ip -4 route add', { timeout: 5000 }],
    ]);
  });

  it('gives each ip call the time limit it is configured with', async () => {
    const editor = createIpRouteEditor({ timeoutMs: 750 });
    await editor.deleteDefaultRoutes(NS, 'net1', [6]);
    await editor.addDefaultRoutes(NS, 'net1', ['fd00::1']);
    expect(exec.calls.map((c) => c.options)).toEqual([{ timeout: 750 }, { timeout: 750 }]);
  });
});
