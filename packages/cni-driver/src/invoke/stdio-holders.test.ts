import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killStdioHolders, readStdioLinks } from './stdio-holders.ts';
import { isRunning } from '../../../../test/support/processes.ts';

let dir: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-stdio-holders-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

const exitOf = (child: ChildProcess): Promise<NodeJS.Signals | null> =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.signalCode) : child.once('exit', (_code, signal) => resolve(signal))));

/** Starts `sleep` with its stdout and stderr on pipes to this process. */
function sleeperOnPipes(): ChildProcess {
  const child = spawn('sleep', ['600'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

/** Starts `sleep` with its stdout and stderr on the file `path` (this process keeps a descriptor on it too). */
function sleeperWritingTo(path: string): { child: ChildProcess; fd: number } {
  const fd = openSync(path, 'w');
  const child = spawn('sleep', ['600'], { stdio: ['ignore', fd, fd] });
  children.push(child);
  return { child, fd };
}

describe('readStdioLinks', () => {
  it("reads the pipe ends a running process's stdout and stderr are", () => {
    const child = sleeperOnPipes();
    const links = readStdioLinks(child.pid!);
    expect(links).toHaveLength(2);
    for (const link of links) expect(link).toMatch(/^(socket|pipe):\[\d+\]$/);
  });

  it.each([
    ['a file (a file is never matched)', 'out'],
    ['a file named like a pipe end', 'pipe:[4242]'],
  ])('reads nothing of a process whose stdout and stderr are %s', (_, name) => {
    const { child, fd } = sleeperWritingTo(join(dir, name));
    try {
      expect(readStdioLinks(child.pid!)).toEqual([]);
    } finally {
      closeSync(fd);
    }
  });

  it('reads nothing of a process that is gone', async () => {
    const child = spawn('true', [], { stdio: 'ignore' });
    await exitOf(child);
    expect(readStdioLinks(child.pid!)).toEqual([]);
  });
});

describe('killStdioHolders', () => {
  it('kills every other process holding one of the pipe ends and returns their pids, sparing this process', async () => {
    const child = sleeperOnPipes();
    const bystander = sleeperOnPipes();
    const links = readStdioLinks(child.pid!);
    expect(killStdioHolders([join(dir, 'nothing'), ...links])).toEqual([child.pid]);
    expect(await exitOf(child)).toBe('SIGKILL');
    expect(isRunning(bystander.pid!)).toBe(true);
  });

  it('never acts on a file, /dev/null included, however many processes hold it', () => {
    const out = join(dir, 'out');
    const { child, fd } = sleeperWritingTo(out);
    const quiet = spawn('sleep', ['600'], { stdio: 'ignore' });
    children.push(quiet);
    try {
      expect(killStdioHolders([out, '/dev/null'])).toEqual([]);
      expect(isRunning(child.pid!)).toBe(true);
      expect(isRunning(quiet.pid!)).toBe(true);
    } finally {
      closeSync(fd);
    }
  });

  it('does nothing without links', () => {
    expect(killStdioHolders([])).toEqual([]);
  });

  it('finds nobody for links no process holds', () => {
    expect(killStdioHolders(['pipe:[4294967295]'])).toEqual([]);
  });
});
