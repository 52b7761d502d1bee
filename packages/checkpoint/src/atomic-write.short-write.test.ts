import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';

// The kernel may write less than asked (a signal, a nearly full disk): here every `writeSync`
// writes at most 2 bytes, so the in-thread write (fsync: false) must loop from where it stopped.
const ports = vi.hoisted(() => ({ maxBytes: undefined as number | undefined, calls: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    writeSync: (fd: number, buffer: Uint8Array | string, ...rest: unknown[]): number => {
      ports.calls++;
      if (ports.maxBytes === undefined) return (fs.writeSync as (...args: unknown[]) => number)(fd, buffer, ...rest);
      if (typeof buffer === 'string') {
        // writeSync(fd, string, position?, encoding?): the string's first bytes only.
        const [position] = rest as [number | null | undefined];
        return fs.writeSync(fd, Buffer.from(buffer).subarray(0, ports.maxBytes), 0, Math.min(Buffer.byteLength(buffer), ports.maxBytes), position ?? null);
      }
      const [offset = 0, length = buffer.length - (offset as number), position] = rest as [number?, number?, number?];
      return fs.writeSync(fd, buffer, offset, Math.min(length, ports.maxBytes), position);
    },
  };
});

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-shortwrite-'));
  Object.assign(ports, { maxBytes: 2, calls: 0 });
});
afterEach(async () => {
  ports.maxBytes = undefined;
  await rm(root, { recursive: true, force: true });
});

describe('writeFileAtomic without fsync, when the kernel writes less than asked', () => {
  it('writes a string whole, each short write going on from where the last one stopped', async () => {
    const file = join(root, 'state.json');
    await writeFileAtomic(file, 'hello, wörld', { fsync: false });
    expect(await readFile(file, 'utf8')).toBe('hello, wörld');
    expect(ports.calls).toBeGreaterThan(1);
  });

  it('writes bytes whole the same way', async () => {
    const file = join(root, 'state.bin');
    await writeFileAtomic(file, Uint8Array.from([1, 2, 3, 4, 5, 6, 7]), { fsync: false });
    expect([...(await readFile(file))]).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
