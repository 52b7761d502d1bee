import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FIXTURE_PLUGIN_DIR } from '../../../../test/support/noop.ts';
import { describeExecutorContract } from './executor-contract.ts';
import { createSpawnerExecutor } from './spawner-executor.ts';
import { decodeResponses, encodeRunFrame } from './spawner-protocol.ts';

describeExecutorContract('spawner', join(FIXTURE_PLUGIN_DIR, 'noop'), async () => {
  const executor = await createSpawnerExecutor();
  return { executor, close: async () => executor.close?.() };
}, { module: fileURLToPath(new URL('./spawner-executor.ts', import.meta.url)), factory: 'createSpawnerExecutor' });

describe('the spawner protocol', () => {
  it('decodes responses split across chunks and merged in one', () => {
    const frame = (id: number, out: string) => {
      const body = Buffer.alloc(24 + out.length);
      body.writeUInt32LE(id, 0);
      body.writeUInt32LE(0, 4);
      body.writeInt32LE(3, 8);
      body.writeUInt32LE(1, 12);
      body.writeUInt32LE(out.length, 16);
      body.write(out, 20);
      body.writeUInt32LE(0, 20 + out.length);
      const len = Buffer.alloc(4);
      len.writeUInt32LE(body.length, 0);
      return Buffer.concat([len, body]);
    };
    const both = Buffer.concat([frame(1, 'one'), frame(2, 'two')]);
    const first = decodeResponses(both.subarray(0, 10));
    expect(first.responses).toEqual([]);
    const all = decodeResponses(both);
    expect(all.responses.map((r) => [r.id, r.status, r.flags, r.stdout.toString()])).toEqual([[1, 3, 1, 'one'], [2, 3, 1, 'two']]);
    expect(all.rest.length).toBe(0);
  });

  it('encodes the length of the frame body first', () => {
    const frame = encodeRunFrame(7, { path: '/p', env: { A: 'b' }, stdin: 'x', timeoutMs: 1, killGraceMs: 1, maxOutputBytes: 1 });
    expect(frame.readUInt32LE(0)).toBe(frame.length - 4);
  });

  it('answers many concurrent calls, each to its own caller', async () => {
    const executor = await createSpawnerExecutor();
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          executor.execPlugin({ path: join(FIXTURE_PLUGIN_DIR, 'noop'), stdin: '{"cniVersion":"1.0.0"}', env: { CNI_COMMAND: 'ADD', CNI_CONTAINERID: `c${i}`, CNI_IFNAME: 'eth0', CNI_NETNS: `/ns${i}` }, timeoutMs: 20_000, killGraceMs: 100, maxOutputBytes: 1 << 20 }),
        ),
      );
      expect(outcomes.map((o) => JSON.parse(o.stdout).interfaces[0].sandbox)).toEqual(Array.from({ length: 16 }, (_, i) => `/ns${i}`));
    } finally {
      await executor.close?.();
    }
  });
});
