import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createProcessGroupRegistry } from './process-group-registry.ts';
import { isRunning } from '../../../../test/support/processes.ts';

const exitListeners = (): number => process.listenerCount('exit');

describe('createProcessGroupRegistry', () => {
  it('listens to the process exit only while it holds a group', () => {
    const before = exitListeners();
    const registry = createProcessGroupRegistry();
    expect(exitListeners()).toBe(before);
    registry.add(1_000_001);
    registry.add(1_000_002);
    expect([registry.size, exitListeners()]).toEqual([2, before + 1]);
    registry.delete(1_000_001);
    registry.delete(1_000_001);
    expect([registry.size, exitListeners()]).toEqual([1, before + 1]);
    registry.delete(1_000_002);
    expect([registry.size, exitListeners()]).toEqual([0, before]);
  });

  it('kills every group it holds with SIGKILL and forgets them', async () => {
    const child = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const registry = createProcessGroupRegistry();
    registry.add(child.pid!);
    registry.killAll();
    expect(await exited).toBe('SIGKILL');
    expect(registry.size).toBe(0);
  });
});

describe('createProcessGroupRegistry after killAll', () => {
  it('stops listening to the process exit once it killed its groups, and listens again for a new group', () => {
    const before = exitListeners();
    const registry = createProcessGroupRegistry();
    registry.add(1_000_003);
    registry.killAll();
    expect([registry.size, exitListeners()]).toEqual([0, before]);
    registry.add(1_000_004);
    expect([registry.size, exitListeners()]).toEqual([1, before + 1]);
    registry.delete(1_000_004);
    expect(exitListeners()).toBe(before);
  });

  it('keeps listening when a group it never held is forgotten', () => {
    const before = exitListeners();
    const registry = createProcessGroupRegistry();
    registry.add(1_000_005);
    registry.delete(1_000_006);
    expect([registry.size, exitListeners()]).toEqual([1, before + 1]);
    registry.killAll();
    expect(exitListeners()).toBe(before);
  });

  it('kills its groups when the process emits exit', async () => {
    const child = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const registry = createProcessGroupRegistry();
    registry.add(child.pid!);
    const listener = process.listeners('exit').at(-1)!;
    listener.call(process, 0);
    expect(await exited).toBe('SIGKILL');
    expect(registry.size).toBe(0);
  });
});

describe('createProcessGroupRegistry kills whole groups', () => {
  it("kills the group's other members along with its leader", async () => {
    const leader = spawn('sh', ['-c', 'sleep 600 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    const member = await new Promise<number>((resolve) => leader.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    const registry = createProcessGroupRegistry();
    registry.add(leader.pid!);
    registry.killAll();
    for (let i = 0; i < 1_000_000 && isRunning(member); i++) await new Promise((resolve) => setImmediate(resolve));
    const alive = isRunning(member);
    if (alive) process.kill(member, 'SIGKILL');
    expect(alive).toBe(false);
  });
});
